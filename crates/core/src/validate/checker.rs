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
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
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
        let v = *value.get_ref();
        if (min..=max).contains(&v) {
            Some(v)
        } else {
            self.error(
                DiagnosticKind::OutOfRange,
                field,
                value.span(),
                format!("{v} is out of range for {what}"),
                format!("use a value from {min} to {max}"),
            );
            None
        }
    }

    /// Rejects characters that could end a line or hide text in a generated file.
    pub fn no_control(&mut self, field: &str, value: &Text) -> bool {
        let text = value.get_ref();
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            self.error(
                DiagnosticKind::ControlCharacter,
                field,
                value.span(),
                format!(
                    "contains the control character {:?}; generated files are line-based, so it could inject lines",
                    c
                ),
                "remove line breaks, tabs and other control characters",
            );
            false
        } else {
            true
        }
    }
}
