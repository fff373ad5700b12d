//! Unknown and missing keys: what is wrong and what to write instead.
//!
//! The help for an unknown key comes, in this order, from: keys peergen knows from other
//! tools but does not support (a short table with the reason and what to do), the other
//! tables of the same file that have the key, and a close spelling among the keys of the
//! same table. Every list of keys is the file's own shape ([`FileShape`]).

use std::ops::Range;

use super::shape::{Field, FileShape, ScalarType, Shape, Table};
use super::suggest::{closest, normalize};
use crate::diagnostic::{Diagnostic, DiagnosticKind};

/// A key the table at `table` (dotted; `""` is the top level) does not have.
pub(crate) fn unknown(
    file: &FileShape,
    shape: &Table,
    table: &str,
    key: &str,
    span: Range<usize>,
) -> Diagnostic {
    let field = join(table, key);
    let place = table_name(table);
    // From the table's own shape, not looked up by path: tables inside arrays
    // (`routes = [{ to = … }]`) have no dotted path of their own.
    let known = shape.keys();
    let listing = format!("{place} accepts {}", list(&known));
    let normalized = normalize(key);
    if let Some(unsupported) = file.unsupported.iter().find(|u| u.key == normalized) {
        let message = if table.is_empty() {
            format!("peergen does not support `{key}` (at the top level)")
        } else {
            format!("peergen does not support `{key}` (in {place})")
        };
        return Diagnostic::error(DiagnosticKind::UnknownKey, field, span, message)
            .with_help(unsupported.help);
    }
    let message = if table.is_empty() {
        format!("unknown key `{key}` at the top level")
    } else {
        format!("unknown key `{key}` in {place}")
    };
    // A key another table of the same file has is misplaced rather than misspelt, even
    // when it also looks like a key of this table (`private-key-file` in [wireguard]).
    let elsewhere: Vec<&str> = file
        .tables
        .iter()
        .filter(|(t, shape)| t != table && shape.field(&normalized).is_some())
        .map(|(t, _)| t.as_str())
        .collect();
    let help = if known.contains(&normalized.as_str()) {
        format!("did you mean `{normalized}`? ({listing})")
    } else if !elsewhere.is_empty() {
        let places: Vec<String> = elsewhere.iter().map(|t| table_name(t)).collect();
        let preposition = if elsewhere == [""] { "at" } else { "in" };
        format!(
            "`{normalized}` belongs {preposition} {}: move it there ({listing})",
            either(&places)
        )
    } else if let Some(close) = closest(key, &known) {
        format!("did you mean `{close}`? ({listing})")
    } else {
        format!("check the spelling; {listing}")
    };
    Diagnostic::error(DiagnosticKind::UnknownKey, field, span, message).with_help(help)
}

/// A required key absent from the table at `table`; `at` is where the table starts.
pub(crate) fn missing(table: &str, field: &Field, at: Range<usize>) -> Diagnostic {
    let key = &field.key;
    let place = table_name(table);
    let message = format!("the required key `{key}` is missing from {place}");
    let value = match &field.shape {
        Shape::Scalar(s) if s.ty == ScalarType::String => "\"…\"",
        _ => "…",
    };
    let add = match &field.shape {
        Shape::Table(_) => format!("add a [{}] table", join(table, key)),
        _ if table.is_empty() => format!("add {key} = {value} before the first [table]"),
        _ => format!("add {key} = {value} to {place}"),
    };
    let help = match summary(&field.description) {
        Some(what) => format!("{add}: {what}"),
        None => add,
    };
    Diagnostic::error(DiagnosticKind::MissingKey, join(table, key), at, message).with_help(help)
}

/// The first sentence of a key's documentation, without "Required.", starting in lower
/// case, on one line.
fn summary(description: &str) -> Option<String> {
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.strip_prefix("Required.").unwrap_or(&text).trim_start();
    // A sentence ends at a full stop before a capital (`+ . -` is not an end).
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| text[i + 2..].starts_with(|c: char| c.is_uppercase()))
        .unwrap_or(text.len());
    let sentence = text[..end].trim_end_matches('.');
    let mut chars = sentence.chars();
    let first = chars.next()?;
    Some(first.to_lowercase().chain(chars).collect())
}

/// `a`, `a or b`, `a, b or c`.
fn either(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `local.port`, or `port` at the top level.
pub(crate) fn join(table: &str, key: &str) -> String {
    if table.is_empty() {
        key.to_owned()
    } else {
        format!("{table}.{key}")
    }
}

/// `[local]`, or "the top level" for `""`.
pub(crate) fn table_name(table: &str) -> String {
    if table.is_empty() {
        "the top level".to_owned()
    } else {
        format!("[{table}]")
    }
}

fn list(keys: &[&str]) -> String {
    if keys.is_empty() {
        "no keys".to_owned()
    } else {
        keys.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_keys_are_not_typos() {
        let d = unknown(
            FileShape::peer(),
            FileShape::peer().table("").expect("table"),
            "",
            "fwmark",
            0..6,
        );
        assert!(d.message.contains("does not support"), "{}", d.message);
        let help = d.help.unwrap_or_default();
        assert!(!help.contains("spelling"), "{help}");
        let d = unknown(
            FileShape::peer(),
            FileShape::peer().table("gre").expect("table"),
            "gre",
            "ikey",
            0..4,
        );
        assert!(d.help.is_some_and(|h| h.contains("one GRE key")));
    }

    #[test]
    fn a_key_of_another_table_says_where_it_belongs() {
        let d = unknown(
            FileShape::peer(),
            FileShape::peer().table("wireguard").expect("table"),
            "wireguard",
            "private-key-file",
            0..1,
        );
        let help = d.help.unwrap_or_default();
        assert!(help.contains("belongs in [local] or [remote]"), "{help}");
    }

    #[test]
    fn the_site_file_uses_its_own_keys() {
        let d = unknown(
            FileShape::site(),
            FileShape::site().table("render").expect("table"),
            "render",
            "backend",
            0..1,
        );
        assert_eq!(d.field.as_deref(), Some("render.backend"));
        assert!(d
            .help
            .is_some_and(|h| h.starts_with("did you mean `backends`?")));
    }

    #[test]
    fn summarises_documentation() {
        assert_eq!(
            summary("Required. The VXLAN id, 1 to 9. Default: none.").as_deref(),
            Some("the VXLAN id, 1 to 9")
        );
        assert_eq!(summary(""), None);
        assert_eq!(
            summary("Required. Letters, digits or _ = + . -,\nnot `.`. More.").as_deref(),
            Some("letters, digits or _ = + . -, not `.`")
        );
    }
}
