//! How diagnostics look on a terminal: the text the core renders, with colour added to
//! the severity, the carets and the help line. anstream drops the colour when stderr is
//! not a terminal or `NO_COLOR` is set, so piped output and logs stay plain.

use std::io::Write as _;

use anstyle::{AnsiColor, Style};
use peergen_core::{Diagnostic, Severity, SourceFile};

/// Prints one diagnostic to stderr.
pub fn diagnostic(d: &Diagnostic, source: &SourceFile) {
    let accent = match d.severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
    };
    let strong = Style::new().bold().fg_color(Some(accent.into()));
    let help = Style::new().bold().fg_color(Some(AnsiColor::Cyan.into()));
    let text = d.render(source);
    let mut err = anstream::stderr().lock();
    for (i, line) in text.lines().enumerate() {
        let _ = if i == 0 {
            match line.find("]: ") {
                Some(end) => writeln!(
                    err,
                    "{strong}{}{strong:#}{}",
                    &line[..end + 1],
                    &line[end + 1..]
                ),
                None => writeln!(err, "{line}"),
            }
        } else if let Some((gutter, rest)) = line
            .split_once(" = help:")
            .filter(|(g, _)| g.trim().is_empty())
        {
            writeln!(err, "{gutter} = {help}help:{help:#}{rest}")
        } else if line.contains('^') && line.chars().all(|c| " |^0123456789".contains(c)) {
            let at = line.find('^').unwrap_or(0);
            writeln!(err, "{}{strong}{}{strong:#}", &line[..at], &line[at..])
        } else {
            writeln!(err, "{line}")
        };
    }
}

/// Prints a plain `error: …` line with the label coloured.
pub fn error(message: &str) {
    let strong = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
    let _ = writeln!(
        anstream::stderr().lock(),
        "{strong}error{strong:#}: {message}"
    );
}

/// Prints a plain `warning: …` line with the label coloured.
pub fn warning(message: &str) {
    let strong = Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()));
    let _ = writeln!(
        anstream::stderr().lock(),
        "{strong}warning{strong:#}: {message}"
    );
}
