//! How diagnostics look on a terminal: the text the core renders, with colour added to
//! the severity, the carets and the help line. The colour follows the parts the core
//! hands over ([`Part`]), never the text, so a message that happens to contain `]: ` or a
//! caret is shown as written. anstream drops the colour when stderr is not a terminal or
//! `NO_COLOR` is set, so piped output and logs stay plain.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

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
    let _ = writeln!(
        anstream::stderr().lock(),
        "… and {} in {} (not shown; fix the ones above and check again)",
        counted.join(" and "),
        source.path()
    );
}

/// Whether this run printed a diagnostic, warning, error or note.
static SPOKE: AtomicBool = AtomicBool::new(false);

/// Notes that this run printed something to stderr beyond its results: such a run is
/// never taken as the record of an up-to-date folder, since a run skipping it would not
/// say the same.
pub fn said() {
    SPOKE.store(true, Ordering::Relaxed);
}

/// Whether anything was printed to stderr so far ([`said`]).
pub fn spoke() -> bool {
    SPOKE.load(Ordering::Relaxed)
}

/// Prints one diagnostic to stderr.
pub fn diagnostic(d: &Diagnostic, source: &SourceFile) {
    said();
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
    // One write per diagnostic: diagnostics of parallel work never interleave.
    let _ = write!(anstream::stderr().lock(), "{text}");
}

/// Prints a plain `error: …` line with the label coloured.
pub fn error(message: &str) {
    said();
    let strong = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    let _ = writeln!(
        anstream::stderr().lock(),
        "{strong}error{strong:#}: {message}"
    );
}

/// Prints a plain `warning: …` line with the label coloured.
pub fn warning(message: &str) {
    said();
    let strong = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
    let _ = writeln!(
        anstream::stderr().lock(),
        "{strong}warning{strong:#}: {message}"
    );
}
