//! Values of the wrong TOML type: what was expected, what was written, and the edit that
//! fixes it (remove the quotes, add them, make a list, write a table header).

use std::ops::Range;

use super::shape::{ScalarType, Shape};
use crate::diagnostic::{Diagnostic, DiagnosticKind};

/// The TOML type of a value as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    String,
    Integer,
    Float,
    Boolean,
    DateTime,
    Array,
    Table,
    /// `[[name]]`.
    ArrayOfTables,
}

impl Found {
    fn words(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::Integer => "an integer",
            Self::Float => "a float",
            Self::Boolean => "a boolean",
            Self::DateTime => "a date-time",
            Self::Array => "an array",
            Self::Table => "a table",
            Self::ArrayOfTables => "an array of tables",
        }
    }
}

/// What is known about a value of the wrong type.
pub(crate) struct Wrong<'a> {
    /// Dotted path (`local.addresses[1]`).
    pub field: &'a str,
    /// The key it is the value of (`addresses`).
    pub key: &'a str,
    /// The value as written in the file.
    pub written: &'a str,
    pub expected: &'a Shape,
    pub found: Found,
    pub span: Range<usize>,
}

/// The diagnostic for a value of the wrong type.
pub(crate) fn wrong_type(w: &Wrong<'_>, docs: &str) -> Diagnostic {
    let Wrong {
        field, key, found, ..
    } = *w;
    let written = w.written.trim();
    let span = w.span.clone();
    if found == Found::ArrayOfTables {
        let message = format!("[[{key}]] makes an array of tables, but {key} is one table");
        let help = format!("write the header with single brackets: [{key}]");
        return Diagnostic::error(DiagnosticKind::WrongType, field, span, message).with_help(help);
    }
    let expected = w.expected.expected();
    let shown = if written.is_empty() || written.contains('\n') || written.chars().count() > 40 {
        String::new()
    } else {
        format!(" {written}")
    };
    let message = format!("expected {expected}, found {}{shown}", found.words());
    let unquoted = written.trim_matches('"').trim_matches('\'');
    let help = match (w.expected, found) {
        (Shape::Scalar(s), Found::String)
            if s.ty == ScalarType::Integer && unquoted.parse::<i64>().is_ok() =>
        {
            format!("remove the quotes: {key} = {unquoted}")
        }
        (Shape::Scalar(s), Found::Integer | Found::Float | Found::Boolean | Found::DateTime)
            if s.ty == ScalarType::String =>
        {
            if field.ends_with(']') {
                format!("write each entry of {key} in double quotes: \"{unquoted}\"")
            } else {
                format!("put the value in double quotes: {key} = \"{unquoted}\"")
            }
        }
        (Shape::Array(_), Found::String) => {
            format!("write a list, even for one entry: {key} = [{written}]")
        }
        (Shape::Table(_), _) => format!(
            "[{key}] is a table: write the header [{key}] on its own line and its keys below it"
        ),
        (Shape::Either(_), _) => format!("{key} takes {expected}; {docs} describes it"),
        _ => format!("write {expected}; {docs} gives every key's type"),
    };
    Diagnostic::error(DiagnosticKind::WrongType, field, span, message).with_help(help)
}

/// A table where a single value belongs (`endpoint.x = 1`, `[local.port]`): the first key
/// written under it cannot be there.
pub(crate) fn not_a_table(field: &str, inner: &str, span: Range<usize>) -> Diagnostic {
    let key = field.rsplit('.').next().unwrap_or(field);
    let message = format!("`{field}` is not a table, so it cannot hold the key `{inner}`");
    let help = format!("write {key} as a single value (`{key} = …`)");
    Diagnostic::error(
        DiagnosticKind::WrongType,
        format!("{field}.{inner}"),
        span,
        message,
    )
    .with_help(help)
}
