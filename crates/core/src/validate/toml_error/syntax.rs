//! Text that is not TOML: toml's message, located, with the usual fix (a missing quote,
//! a bare word that needs quotes, a key given twice).

use std::ops::Range;

use crate::diagnostic::{Diagnostic, DiagnosticKind};

/// The diagnostic for a TOML syntax error; toml stops at the first one.
pub(crate) fn syntax(text: &str, message: &str, span: Range<usize>) -> Diagnostic {
    // toml's message may span lines ("invalid table header\nexpected `.`, `]`").
    let message = message.trim().replace('\n', ": ");
    let at = text.get(span.clone()).unwrap_or_default();
    let help = if message.contains("duplicate key") {
        "a key (or [table]) may appear only once: remove or merge the second one".to_owned()
    } else if message.starts_with("invalid basic string")
        && (at.is_empty() || at.starts_with(['\n', '\r']))
    {
        "the string is not closed: add the closing \" before the end of the line".to_owned()
    } else if let Some((key, value)) = unquoted_value(text, span.start) {
        format!("text values are strings: put it in double quotes, {key} = \"{value}\"")
    } else {
        "fix the TOML syntax here: one key = value per line, strings in double quotes, tables as [name] (see https://toml.io)".to_owned()
    };
    let field = line_key(text, span.start).unwrap_or_else(|| "(syntax)".to_owned());
    let message = if message == "duplicate key" && !at.is_empty() && !at.contains('\n') {
        // The parser points at the key and names neither it nor its table.
        match field.rsplit_once('.') {
            Some((table, _)) => format!("duplicate key {at} in table [{table}]"),
            None => format!("duplicate key {at}"),
        }
    } else if let Some((_, value)) = unquoted_value(text, span.start) {
        format!("{value} is not a TOML value: {message}")
    } else {
        message
    };
    let message = format!("this is not valid TOML: {message}");
    Diagnostic::error(DiagnosticKind::TomlSyntax, field, span, message).with_help(help)
}

/// Byte offset of the first line that is neither blank nor a comment: where top-level
/// keys go, before the first [table].
pub(crate) fn first_content_offset(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            return offset + (line.len() - line.trim_start().len());
        }
        offset += line.len();
    }
    0
}

/// The `key` and value of the line at `offset` when the value is bare text that TOML cannot
/// read (`endpoint = 198.51.100.10`, `kind = gre`): it only needs quotes.
fn unquoted_value(text: &str, offset: usize) -> Option<(String, String)> {
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?;
    let (key, value) = line.split_once('=')?;
    let key = key.trim();
    let value = value.split(" #").next()?.trim();
    // Text that is not printable stays out of the message and the fix: it would reach the
    // terminal as it is.
    let bare = !value.is_empty()
        && crate::text::first_unprintable(value).is_none()
        && !value.starts_with(['"', '\'', '[', '{'])
        && value != "true"
        && value != "false"
        && value.parse::<f64>().is_err()
        && value.parse::<i64>().is_err()
        && !value.contains(char::is_whitespace);
    (bare && !key.is_empty() && !key.contains(char::is_whitespace))
        .then(|| (key.to_owned(), value.to_owned()))
}

/// The dotted key of the line at `offset`, taking the table from the last `[header]` above
/// it. Best effort, for text that does not parse; `None` when unclear.
pub(crate) fn line_key(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim_start();
    let is_key = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let header = |l: &str| {
        let l = l.trim();
        (l.starts_with('[') && !l.starts_with("[[")).then(|| {
            l.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
    };
    if let Some(h) = header(line) {
        return Some(h).filter(|h| !h.is_empty() && h.chars().all(|c| is_key(c) || c == '.'));
    }
    let key: String = line.chars().take_while(|c| is_key(*c)).collect();
    if key.is_empty() || !line[key.len()..].trim_start().starts_with('=') {
        return None;
    }
    let table = text[..line_start].lines().rev().find_map(header);
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_key_of_a_syntax_error() {
        let text = "name = \"a\"\n[local]\nendpoint = 1.2.3\n";
        assert_eq!(
            line_key(text, text.find("1.2").unwrap()).as_deref(),
            Some("local.endpoint")
        );
        assert_eq!(line_key(text, 3).as_deref(), Some("name"));
        assert_eq!(line_key("[local\n", 6).as_deref(), Some("local"));
        assert_eq!(line_key("# only a comment\n", 3).as_deref(), None);
    }

    #[test]
    fn an_unprintable_bare_value_is_not_repeated_in_the_message() {
        let text = "[local]\nendpoint = 1.2\u{1b}[2J\n";
        let at = text.find('1').unwrap();
        assert_eq!(unquoted_value(text, at), None);
        let d = syntax(text, "invalid float", at..at + 1);
        assert!(!d.message.contains('\u{1b}'), "{}", d.message);
        assert!(!d.help.as_deref().unwrap_or("").contains('\u{1b}'));
        // Printable bare text still gets its quotes suggested.
        assert!(unquoted_value("endpoint = 198.51.100.1x\n", 11).is_some());
    }

    #[test]
    fn top_level_keys_start_after_the_leading_comments() {
        assert_eq!(first_content_offset("# c\n\n  name = 1\n"), 7);
        assert_eq!(first_content_offset("# only\n"), 0);
    }
}
