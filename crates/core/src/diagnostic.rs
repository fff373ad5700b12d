//! Errors and warnings about a peer file, with their location and a fix.
//!
//! Every problem the core finds becomes a [`Diagnostic`]: a stable kind (shown as a code
//! such as `underlay-family`, so users can search for it), the dotted field it is about,
//! the byte span in the source, what is wrong and how to fix it. [`Diagnostic::render`]
//! turns it into the text users see:
//!
//! ```text
//! error[underlay-family]: peer.toml:7:12: local.endpoint: ip6gre runs over IPv6, …
//!   |
//! 7 | endpoint = "192.0.2.1"
//!   |            ^^^^^^^^^^^
//!   = help: use kind = "gre" with IPv6 tunnel addresses, or kind = "sit"
//! ```

use std::fmt::Write as _;
use std::ops::Range;

use crate::source::SourceFile;

/// Whether a diagnostic stops rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Rendering goes on; the user should still look.
    Warning,
    /// The input is invalid; nothing is rendered.
    Error,
}

/// The kinds of problem peergen reports; each has a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The file is not valid TOML.
    TomlSyntax,
    /// A key peergen does not know (often a typo).
    UnknownKey,
    /// A required key is absent.
    MissingKey,
    /// A value of the wrong TOML type.
    WrongType,
    /// `kind` is not one of the supported tunnel kinds.
    UnknownKind,
    /// The interface name breaks the kernel's rules.
    InvalidName,
    /// The interface name is one the kernel creates itself.
    ReservedName,
    /// An endpoint is not an IP address (or host name where allowed).
    InvalidEndpoint,
    /// The underlay family does not suit the tunnel kind.
    UnderlayFamily,
    /// Local and remote endpoints are of different families.
    EndpointFamilyMismatch,
    /// A tunnel address is not `ADDRESS/PREFIX`.
    InvalidAddress,
    /// The tunnel cannot carry this address family (SIT carries IPv6 only).
    InnerFamily,
    /// The same address appears twice.
    DuplicateAddress,
    /// A remote address is not reachable on the link from the local addresses.
    AddressNotOnLink,
    /// A number outside its allowed range.
    OutOfRange,
    /// The MTU is too small for a tunnel that carries IPv6.
    MtuTooSmallForIpv6,
    /// The chosen MTU does not fit through the underlay.
    MtuAboveUnderlay,
    /// A WireGuard key is not base64 of 32 bytes.
    InvalidKey,
    /// A key file path is not absolute or contains characters peergen will not write.
    InvalidPath,
    /// Both a key and a key file were given.
    ConflictingKeys,
    /// A private key is written inline and will end up in rendered files.
    InlinePrivateKey,
    /// Free text contains control characters or line breaks.
    ControlCharacter,
    /// A setting that does not apply to this tunnel kind.
    NotForKind,
    /// Two peer files that cannot both be configured on one host.
    Conflict,
    /// The outer TTL is inherited from the inner packet.
    TtlInherit,
    /// A route WireGuard would not send to the other end (outside its allowed IPs).
    RouteNotAllowed,
    /// An end that joins a bridge also has addresses or routes, which belong on the bridge.
    BridgePort,
}

impl DiagnosticKind {
    /// The stable code shown in brackets after `error`/`warning`.
    pub fn code(self) -> &'static str {
        match self {
            Self::TomlSyntax => "toml-syntax",
            Self::UnknownKey => "unknown-key",
            Self::MissingKey => "missing-key",
            Self::WrongType => "wrong-type",
            Self::UnknownKind => "unknown-kind",
            Self::InvalidName => "invalid-name",
            Self::ReservedName => "reserved-name",
            Self::InvalidEndpoint => "invalid-endpoint",
            Self::UnderlayFamily => "underlay-family",
            Self::EndpointFamilyMismatch => "endpoint-family-mismatch",
            Self::InvalidAddress => "invalid-address",
            Self::InnerFamily => "inner-family",
            Self::DuplicateAddress => "duplicate-address",
            Self::AddressNotOnLink => "address-not-on-link",
            Self::OutOfRange => "out-of-range",
            Self::MtuTooSmallForIpv6 => "mtu-too-small-for-ipv6",
            Self::MtuAboveUnderlay => "mtu-above-underlay",
            Self::InvalidKey => "invalid-key",
            Self::InvalidPath => "invalid-path",
            Self::ConflictingKeys => "conflicting-keys",
            Self::InlinePrivateKey => "inline-private-key",
            Self::ControlCharacter => "control-character",
            Self::NotForKind => "not-for-kind",
            Self::Conflict => "conflict",
            Self::TtlInherit => "ttl-inherit",
            Self::RouteNotAllowed => "route-not-allowed",
            Self::BridgePort => "bridge-port",
        }
    }
}

/// One problem found in a peer file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub kind: DiagnosticKind,
    /// The dotted key path (`remote.endpoint`), when the problem is about one field.
    pub field: Option<String>,
    /// Byte range in the source file.
    pub span: Option<Range<usize>>,
    /// What is wrong, quoting the offending value.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error about `field` at `span`.
    pub fn error(
        kind: DiagnosticKind,
        field: impl Into<String>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            kind,
            field: Some(field.into()),
            span: Some(span),
            message: message.into(),
            help: None,
        }
    }

    /// A warning about `field` at `span`.
    pub fn warning(
        kind: DiagnosticKind,
        field: impl Into<String>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(kind, field, span, message)
        }
    }

    /// Adds how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this diagnostic stops rendering.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The full text shown to users: header line with `file:line:column: field:`, the source
    /// line with a caret under the span, and the help line.
    pub fn render(&self, source: &SourceFile) -> String {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!("{label}[{}]: {}", self.kind.code(), source.path());
        let start = self.span.as_ref().map(|s| source.line_col(s.start));
        if let Some(pos) = start {
            let _ = write!(out, ":{}:{}", pos.line, pos.column);
        }
        out.push_str(": ");
        if let Some(field) = &self.field {
            let _ = write!(out, "{field}: ");
        }
        out.push_str(&self.message);
        out.push('\n');
        // The gutter is as wide as the line number, so `|` and `=` line up as in rustc.
        let pad = " ".repeat(start.map_or(1, |pos| pos.line.to_string().len()));
        if let (Some(pos), Some(span)) = (start, &self.span) {
            let line = source.line_text(pos.line);
            let number = pos.line.to_string();
            let end = source.line_col(span.end.max(span.start + 1));
            let width = if end.line == pos.line {
                end.column.saturating_sub(pos.column).max(1)
            } else {
                line.chars().count().saturating_sub(pos.column - 1).max(1)
            };
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {}", printable(line));
            let _ = writeln!(
                out,
                "{pad} | {}{}",
                " ".repeat(pos.column - 1),
                "^".repeat(width)
            );
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }
}

/// Replaces control characters so an excerpt can never move the terminal's cursor.
fn printable(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_excerpt_and_help() {
        let src = SourceFile::new("p.toml", "name = \"gre0\"\n");
        let d = Diagnostic::error(DiagnosticKind::ReservedName, "name", 7..13, "reserved")
            .with_help("pick another");
        assert_eq!(
            d.render(&src),
            "error[reserved-name]: p.toml:1:8: name: reserved\n  |\n1 | name = \"gre0\"\n  |        ^^^^^^\n  = help: pick another\n"
        );
    }
}
