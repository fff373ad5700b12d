//! How diagnostics look on a terminal: the text the core renders, with colour added to
//! the severity, the carets and the help line. The colour follows the parts the core
//! hands over ([`Part`]), never the text, so a message that happens to contain `]: ` or a
//! caret is shown as written. anstream drops the colour when stderr is not a terminal or
//! `NO_COLOR` is set, so piped output and logs stay plain.

use std::io::Write as _;
use std::sync::Mutex;

use anstyle::{AnsiColor, Style};
use peergen_core::diagnostic::Part;
use peergen_core::{Diagnostic, Severity, SourceFile};

/// At most this many diagnostics are printed per file; the rest are counted. A generated
/// file with thousands of mistakes then prints a screenful, not megabytes, and the first
/// ones are what to fix first anyway.
pub const MAX_PER_FILE: usize = 50;

/// Prints the diagnostics of one file to stderr, at most [`MAX_PER_FILE`] of them, then a
/// line counting the errors and warnings left out.
pub fn diagnostics(list: &[Diagnostic], source: &SourceFile) {
    for d in list.iter().take(MAX_PER_FILE) {
        diagnostic(d, source);
    }
    let rest = list.get(MAX_PER_FILE..).unwrap_or_default();
    if rest.is_empty() {
        return;
    }
    let errors = rest.iter().filter(|d| d.is_error()).count();
    let warnings = rest.len() - errors;
    let count = |n: usize, what: &str| match n {
        0 => None,
        1 => Some(format!("1 more {what}")),
        n => Some(format!("{n} more {what}s")),
    };
    let counted: Vec<String> = [count(errors, "error"), count(warnings, "warning")]
        .into_iter()
        .flatten()
        .collect();
    emit(&format!(
        "… and {} in {} (not shown; fix the ones above and check again)\n",
        counted.join(" and "),
        source.path()
    ));
}

/// Everything this run printed to stderr through this module, colour codes included: a
/// run that finds its folder up to date from the cache says it again ([`replay`]), so
/// that it says exactly what the run that wrote the folder said.
static SAID: Mutex<String> = Mutex::new(String::new());

/// Everything printed to stderr so far, with its colour codes.
pub fn said_text() -> String {
    SAID.lock().map(|t| t.clone()).unwrap_or_default()
}

/// Prints `text` (with colour codes, which anstream drops where colour is off) to stderr
/// and keeps it for [`said_text`]. One write: messages of parallel work never interleave.
fn emit(text: &str) {
    // Kept and printed under one lock, so the kept text is in the order printed.
    let mut all = SAID.lock();
    if let Ok(all) = all.as_mut() {
        all.push_str(text);
    }
    let _ = write!(anstream::stderr().lock(), "{text}");
}

/// Says again what a recorded run said, past what this run has said already.
pub fn replay(text: &str) {
    if !text.is_empty() {
        emit(text);
    }
}

/// Prints a `note: …` line.
pub fn note(message: &str) {
    emit(&format!("note: {message}\n"));
}

/// Prints one diagnostic to stderr.
pub fn diagnostic(d: &Diagnostic, source: &SourceFile) {
    let accent = match d.severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
    };
    let strong = Style::new().bold().fg_color(Some(accent.into()));
    let help = Style::new().bold().fg_color(Some(AnsiColor::Cyan.into()));
    let mut text = String::new();
    for segment in d.segments(source) {
        let style = match segment.part {
            Part::Label | Part::Marker => strong,
            Part::Help => help,
            _ => Style::new(),
        };
        text.push_str(&format!("{style}{}{style:#}", segment.text));
    }
    emit(&text);
}

/// Prints a plain `error: …` line with the label coloured.
pub fn error(message: &str) {
    let strong = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    emit(&format!("{strong}error{strong:#}: {message}\n"));
}

/// Prints a plain `warning: …` line with the label coloured.
pub fn warning(message: &str) {
    let strong = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
    emit(&format!("{strong}warning{strong:#}: {message}\n"));
}
