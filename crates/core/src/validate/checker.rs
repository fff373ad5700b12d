//! Collects diagnostics while validating, with helpers for the recurring checks.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, DiagnosticKind, Severity};
use crate::raw::{Int, Text};

/// Accumulates diagnostics; validation never stops at the first problem.
#[derive(Debug, Default)]
pub(crate) struct Checker {
    diagnostics: Vec<Diagnostic>,
}

impl Checker {
    /// Records an error with its fix.
    pub fn error(
        &mut self,
        kind: DiagnosticKind,
        field: impl Into<String>,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::error(kind, field, span, message).with_help(help));
    }

    /// Records a warning with advice.
    pub fn warning(
        &mut self,
        kind: DiagnosticKind,
        field: impl Into<String>,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::warning(kind, field, span, message).with_help(help));
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// How many errors (not warnings) were recorded so far; comparing two counts tells
    /// whether one step found a problem.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// All diagnostics in file order (stable for equal positions).
    pub fn into_diagnostics(mut self) -> Vec<Diagnostic> {
        self.diagnostics
            .sort_by_key(|d| d.span.as_ref().map_or(usize::MAX, |s| s.start));
        self.diagnostics
    }

    /// Checks `value` lies in `min..=max`; `what` names it for the message ("a port").
    pub fn int_in(
        &mut self,
        field: &str,
        value: &Int,
        min: i64,
        max: i64,
        what: &str,
    ) -> Option<i64> {
        self.int_in_or(field, value, min..=max, what, "")
    }

    /// [`Checker::int_in`] with more advice after "use a value from MIN to MAX" (`more`
    /// starts with its own separator, e.g. "; omit ttl to inherit").
    pub fn int_in_or(
        &mut self,
        field: &str,
        value: &Int,
        range: std::ops::RangeInclusive<i64>,
        what: &str,
        more: &str,
    ) -> Option<i64> {
        let v = *value.get_ref();
        if range.contains(&v) {
            Some(v)
        } else {
            let bound = if v < *range.start() {
                format!("at least {}", range.start())
            } else {
                format!("at most {}", range.end())
            };
            self.error(
                DiagnosticKind::OutOfRange,
                field,
                value.span(),
                format!("{v} is out of range for {what}, which is {bound}"),
                format!(
                    "use a value from {} to {}{more}",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }

    /// Rejects characters that could end a line or hide text in a generated file.
    pub fn no_control(&mut self, field: &str, value: &Text) -> bool {
        let text = value.get_ref();
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            let what = match c {
                '\n' => "a line break (U+000A)".to_owned(),
                '\r' => "a carriage return (U+000D)".to_owned(),
                '\t' => "a tab (U+0009)".to_owned(),
                c => format!("the control character U+{:04X}", u32::from(c)),
            };
            self.error(
                DiagnosticKind::ControlCharacter,
                field,
                value.span(),
                format!(
                    "contains {what}; the value is copied into line-based config files and scripts, where control characters could start new lines or hide text"
                ),
                "remove it: write the value on one line, without escapes such as \\n, \\t or \\u0007",
            );
            false
        } else {
            true
        }
    }
}
