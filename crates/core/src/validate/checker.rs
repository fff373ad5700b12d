//! Collects diagnostics while validating, with helpers for the recurring checks.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, DiagnosticKind, Severity};
use crate::limits;
use crate::raw::{Int, Text};
use crate::text;

/// The dotted field `table.key` (`local.endpoint`): the fields that validation names on
/// the way through every peer file are constants, so that a valid file is checked
/// without formatting a name it never reports; any other is formatted.
pub(crate) fn field(table: &str, key: &str) -> std::borrow::Cow<'static, str> {
    let known: Option<&'static str> = match (table, key) {
        ("local", "endpoint") => Some("local.endpoint"),
        ("remote", "endpoint") => Some("remote.endpoint"),
        ("local", "port") => Some("local.port"),
        ("remote", "port") => Some("remote.port"),
        ("local", "allowed-ips") => Some("local.allowed-ips"),
        ("remote", "allowed-ips") => Some("remote.allowed-ips"),
        ("local", "private-key-file") => Some("local.private-key-file"),
        ("remote", "private-key-file") => Some("remote.private-key-file"),
        ("gre", "key") => Some("gre.key"),
        ("gre", "ttl") => Some("gre.ttl"),
        ("gretap", "key") => Some("gretap.key"),
        ("gretap", "ttl") => Some("gretap.ttl"),
        ("ip6gre", "key") => Some("ip6gre.key"),
        ("ip6gre", "ttl") => Some("ip6gre.ttl"),
        ("ip6gretap", "key") => Some("ip6gretap.key"),
        ("ip6gretap", "ttl") => Some("ip6gretap.ttl"),
        ("sit", "ttl") => Some("sit.ttl"),
        _ => None,
    };
    match known {
        Some(name) => std::borrow::Cow::Borrowed(name),
        None => std::borrow::Cow::Owned(format!("{table}.{key}")),
    }
}

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

    /// Forgets the warnings of `kind`, for a check that reports the same setting as an
    /// error in a context where it breaks something.
    pub fn drop_warnings(&mut self, kind: DiagnosticKind) {
        self.diagnostics
            .retain(|d| d.kind != kind || d.severity != Severity::Warning);
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

    /// Checks that `value` lies in `range`; `what` names it for the message ("a UDP port").
    pub fn int_in(
        &mut self,
        field: &str,
        value: &Int,
        range: limits::Range,
        what: &str,
    ) -> Option<i64> {
        self.int_in_or(field, value, range, what, "")
    }

    /// [`Checker::int_in`] with more advice after "use a value from MIN to MAX" (`more`
    /// starts with its own separator, e.g. "; omit ttl to inherit").
    pub fn int_in_or(
        &mut self,
        field: &str,
        value: &Int,
        range: limits::Range,
        what: &str,
        more: &str,
    ) -> Option<i64> {
        let v = *value.get_ref();
        if range.contains(v) {
            Some(v)
        } else {
            let bound = if v < range.min {
                format!("at least {}", range.min)
            } else {
                format!("at most {}", range.max)
            };
            self.error(
                DiagnosticKind::OutOfRange,
                field,
                value.span(),
                format!("{v} is out of range for {what}, which is {bound}"),
                format!("use a value from {range}{more}"),
            );
            None
        }
    }

    /// Rejects characters that are not printable text (Unicode categories Cc, Cf, Zl, Zp):
    /// they could end a line or hide text in a generated file.
    pub fn printable(&mut self, field: &str, value: &Text) -> bool {
        let Some(c) = text::first_unprintable(value.get_ref()) else {
            return true;
        };
        let advice = if c.is_control() {
            "write the value on one line, without escapes such as \\n, \\t or \\u0007"
        } else {
            "retype the value (it was probably pasted with an invisible character), without escapes such as \\u2028 or \\u200b"
        };
        self.error(
            DiagnosticKind::ControlCharacter,
            field,
            value.span(),
            format!(
                "contains {}, which is not printable text; the value is copied into line-based config files and scripts, where it could start a new line or hide text",
                text::describe(c)
            ),
            format!("remove it: {advice}"),
        );
        false
    }

    /// Rejects text whose last character is a backslash: systemd joins such a line with the
    /// next one (`Description=x \` swallows the line after it).
    pub fn no_trailing_backslash(&mut self, field: &str, value: &Text) -> bool {
        if !value.get_ref().trim_end().ends_with('\\') {
            return true;
        }
        self.error(
            DiagnosticKind::TrailingBackslash,
            field,
            value.span(),
            "ends with a backslash, which continues the line in systemd files: networkd would join the next line to it and lose that setting",
            "remove the trailing backslash, or end the text with another character",
        );
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn constant_field_names_are_the_formatted_ones() {
        for table in [
            "local",
            "remote",
            "gre",
            "gretap",
            "ip6gre",
            "ip6gretap",
            "sit",
            "vxlan",
        ] {
            for key in [
                "endpoint",
                "port",
                "allowed-ips",
                "private-key-file",
                "key",
                "ttl",
            ] {
                assert_eq!(super::field(table, key), format!("{table}.{key}"));
            }
        }
    }

    use super::*;
    use toml::Spanned;

    fn text(s: &str) -> Text {
        toml::from_str::<std::collections::BTreeMap<String, Spanned<String>>>(&format!(
            "v = {}",
            toml::Value::String(s.to_owned())
        ))
        .unwrap()
        .remove("v")
        .unwrap()
    }

    #[test]
    fn printable_names_the_character() {
        let mut ck = Checker::default();
        assert!(ck.printable("description", &text("AS64520 Zürich")));
        assert!(!ck.printable("description", &text("x\u{2028}network: {}")));
        let d = ck.into_diagnostics();
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("U+2028 (LINE SEPARATOR"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn a_trailing_backslash_is_refused() {
        let mut ck = Checker::default();
        assert!(ck.no_trailing_backslash("description", &text("a\\b")));
        assert!(!ck.no_trailing_backslash("description", &text("peering \\")));
        assert!(!ck.no_trailing_backslash("description", &text("peering \\  ")));
        let d = ck.into_diagnostics();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].kind, DiagnosticKind::TrailingBackslash);
    }
}
