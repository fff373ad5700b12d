//! Turns toml's parse and shape errors into diagnostics with a kind, field and help.

use crate::diagnostic::{Diagnostic, DiagnosticKind};

/// Maps a toml error; toml reports one syntax or shape problem at a time.
pub(crate) fn to_diagnostic(err: &toml::de::Error, text: &str) -> Diagnostic {
    let message = err.message().trim().to_owned();
    let span = err.span().unwrap_or(0..text.len().min(1));
    let quoted = first_backticked(&message);
    let (kind, help) = if message.starts_with("unknown field") {
        (
            DiagnosticKind::UnknownKey,
            "check the spelling; every key a peer file accepts is listed in docs/peer-file.md",
        )
    } else if message.starts_with("missing field") {
        (
            DiagnosticKind::MissingKey,
            "add the key; docs/peer-file.md lists the required keys",
        )
    } else if message.starts_with("invalid type") || message.starts_with("data did not match") {
        (
            DiagnosticKind::WrongType,
            "use the TOML type docs/peer-file.md gives for this key (strings in quotes, numbers without)",
        )
    } else {
        (
            DiagnosticKind::TomlSyntax,
            "fix the TOML syntax at this point (see https://toml.io)",
        )
    };
    let field = quoted.unwrap_or_else(|| "(file)".to_owned());
    Diagnostic::error(kind, field, span, message).with_help(help)
}

fn first_backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}
