//! Placeholders `peergen init` leaves for the user to replace.
//!
//! A starter file is valid TOML with valid-looking values (documentation addresses, a
//! stand-in public key that is valid base64), so that the user sees the format of each
//! value. Rendered as it is, it would produce files that look right and connect nothing.
//! So every value to replace carries a marker, and `check` refuses it until it is gone:
//!
//! - a trailing `# REPLACE` comment on the value's line (`endpoint = "…"  # REPLACE`);
//! - a string that starts with `REPLACE` (the stand-in keys read `REPLACE+with+…`), in case
//!   the comment was deleted but the value kept.
//!
//! The comments are only visible to a parser that keeps them: `toml_edit`'s, which the
//! `toml` crate is built on. The text is parsed a second time only when it contains
//! `REPLACE` at all.

use std::ops::Range;

use toml_edit::{Document, Item, Table, Value};

use super::Checker;
use crate::diagnostic::DiagnosticKind;

/// The marker, as a comment or as the start of a value.
pub const MARKER: &str = "REPLACE";

/// Reports every placeholder in `text` (a peer file that parsed as TOML).
pub(crate) fn check(ck: &mut Checker, text: &str) {
    if !text.contains(MARKER) {
        return;
    }
    let Ok(doc) = Document::parse(text) else {
        return;
    };
    table(ck, text, doc.as_table(), "");
}

fn table(ck: &mut Checker, text: &str, table: &Table, prefix: &str) {
    for (key, item) in table.iter() {
        let field = if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        };
        match item {
            Item::Table(t) => self::table(ck, text, t, &field),
            Item::Value(v) => value(ck, text, v, &field),
            Item::ArrayOfTables(_) | Item::None => {}
        }
    }
}

fn value(ck: &mut Checker, text: &str, value: &Value, field: &str) {
    let Some(span) = value.span() else {
        return;
    };
    if marked(text, value) {
        let shown = text.get(span.clone()).unwrap_or_default();
        ck.error(
            DiagnosticKind::Placeholder,
            field,
            span,
            format!("{shown} is a placeholder from `peergen init` (marked \"# {MARKER}\"), not a value for this tunnel"),
            format!("{}, then delete \"# {MARKER}\" from the end of the line", advice(field)),
        );
        return;
    }
    match value {
        Value::String(s) if s.value().starts_with(MARKER) => stand_in(ck, field, span),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if let (Value::String(s), Some(span)) = (item, item.span()) {
                    if s.value().starts_with(MARKER) {
                        stand_in(ck, &format!("{field}[{i}]"), span);
                    }
                }
            }
        }
        Value::InlineTable(t) => {
            for (key, v) in t.iter() {
                self::value(ck, text, v, &format!("{field}.{key}"));
            }
        }
        _ => {}
    }
}

/// What to put instead of the placeholder in `field`.
fn advice(field: &str) -> String {
    let (side, key) = field.split_once('.').unwrap_or(("", field));
    let whose = match side {
        "local" => "this host's",
        "remote" => "the peer's",
        _ => "the",
    };
    match key {
        "endpoint" => format!("put {whose} underlay (public) address here"),
        "addresses" => format!("put {whose} tunnel addresses here, each ADDRESS/PREFIX"),
        "public-key" if side == "remote" => {
            "put the peer's public key here, as their `wg pubkey` or `peergen pubkey` prints it"
                .to_owned()
        }
        "public-key" => {
            "put this host's public key here: `peergen keygen --out FILE` writes a private key and prints its public key".to_owned()
        }
        "vni" => "put the VXLAN network identifier agreed with the peer here".to_owned(),
        _ => "put the real value here".to_owned(),
    }
}

fn stand_in(ck: &mut Checker, field: &str, span: Range<usize>) {
    let help = advice(field.split('[').next().unwrap_or(field));
    ck.error(
        DiagnosticKind::Placeholder,
        field,
        span,
        format!("is a stand-in from `peergen init` (it starts with \"{MARKER}\"), not a value for this tunnel"),
        help,
    );
}

/// Whether the comment after `value` on its line starts with the marker.
fn marked(text: &str, value: &Value) -> bool {
    value
        .decor()
        .suffix()
        .and_then(|raw| raw.span())
        .and_then(|span| text.get(span))
        .and_then(|suffix| suffix.trim_start().strip_prefix('#'))
        .is_some_and(|comment| comment.trim_start().starts_with(MARKER))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String)> {
        let mut ck = Checker::default();
        check(&mut ck, text);
        ck.into_diagnostics()
            .into_iter()
            .map(|d| {
                assert_eq!(d.kind, DiagnosticKind::Placeholder);
                let span = d.span.unwrap_or_default();
                (d.field.unwrap_or_default(), text[span].to_owned())
            })
            .collect()
    }

    #[test]
    fn marked_values_and_stand_ins_are_placeholders() {
        let text = "name = \"wg0\"\n[local]\nendpoint = \"198.51.100.1\"  # REPLACE: ours\naddresses = [\"192.0.2.0/31\"] #REPLACE\npublic-key = \"REPLACE+with+our+public+key+from+keygen+000=\"\nport = 51820 # the port\n[remote]\npublic-key = \"REPLACE+x\" # REPLACE\nallowed-ips = [\"REPLACE\", \"10.0.0.0/8\"]\n[vxlan]\nvni = 100  # REPLACE\n";
        assert_eq!(
            found(text),
            [
                ("local.endpoint".to_owned(), "\"198.51.100.1\"".to_owned()),
                (
                    "local.addresses".to_owned(),
                    "[\"192.0.2.0/31\"]".to_owned()
                ),
                (
                    "local.public-key".to_owned(),
                    "\"REPLACE+with+our+public+key+from+keygen+000=\"".to_owned()
                ),
                ("remote.public-key".to_owned(), "\"REPLACE+x\"".to_owned()),
                ("remote.allowed-ips[0]".to_owned(), "\"REPLACE\"".to_owned()),
                ("vxlan.vni".to_owned(), "100".to_owned()),
            ]
        );
    }

    #[test]
    fn other_comments_and_text_are_not_placeholders() {
        let text = "# REPLACE the values below\nname = \"wg0\" # do not REPLACE\ndescription = \"to REPLACE later\"\n[local] # REPLACE\nendpoint = \"198.51.100.1\"\n";
        assert_eq!(found(text), []);
        assert_eq!(found("name = \"wg0\"\n"), []);
    }
}
