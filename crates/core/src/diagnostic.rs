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
    /// Text contains a character that is not printable: a control character or line break,
    /// an invisible format character (bidi control, zero-width character) or a Unicode line
    /// or paragraph separator.
    ControlCharacter,
    /// Text ends with a backslash, which continues the line in systemd files.
    TrailingBackslash,
    /// An inline private key whose public key is not the `public-key` of the same end.
    KeyMismatch,
    /// A value `peergen init` left for the user to replace.
    Placeholder,
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
    /// An AS number that is out of range or reserved (0, 23456, 65535, 4294967295).
    InvalidAsn,
    /// Both ends have the same AS number: iBGP, which peergen does not render.
    SameAsn,
    /// A BGP session the tunnel addresses cannot carry: a link-local session without an
    /// `fe80::/64` address on both ends, a family without addresses on both ends, or no
    /// family at all.
    BgpSession,
    /// Extended next hop asked for where no IPv6 session carries IPv4, or turned off where
    /// IPv4 has no next hop of its own family.
    ExtendedNextHop,
    /// An announced prefix of a family no session carries.
    AnnounceFamily,
    /// A BGP password with characters one of the daemons cannot take, or too long.
    InvalidPassword,
    /// A daemon filter or route map name peergen will not write into a daemon config.
    InvalidPolicyName,
    /// `[bgp]` with an end in a bridge, whose addresses peergen cannot see.
    BgpBridge,
    /// Both ends passive: neither would ever connect.
    BgpPassive,
    /// A BGP setting of an end in a peer file without `[bgp]`, where nothing uses it.
    BgpNotEnabled,
    /// An IPv6 session over a tunnel without a link-local address on both ends, which FRR
    /// needs for IPv6 next hops.
    NoLinkLocal,
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
            Self::TrailingBackslash => "trailing-backslash",
            Self::KeyMismatch => "key-mismatch",
            Self::Placeholder => "placeholder",
            Self::NotForKind => "not-for-kind",
            Self::Conflict => "conflict",
            Self::TtlInherit => "ttl-inherit",
            Self::RouteNotAllowed => "route-not-allowed",
            Self::BridgePort => "bridge-port",
            Self::InvalidAsn => "invalid-asn",
            Self::SameAsn => "same-asn",
            Self::BgpSession => "bgp-session",
            Self::ExtendedNextHop => "extended-next-hop",
            Self::AnnounceFamily => "announce-family",
            Self::InvalidPassword => "invalid-password",
            Self::InvalidPolicyName => "invalid-policy-name",
            Self::BgpBridge => "bgp-bridge",
            Self::BgpPassive => "bgp-passive",
            Self::BgpNotEnabled => "bgp-not-enabled",
            Self::NoLinkLocal => "no-link-local",
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
        self.segments(source)
            .iter()
            .map(|s| s.text.as_str())
            .collect()
    }

    /// The text of [`Diagnostic::render`] in pieces, each with its part, so a terminal can
    /// colour the label, carets and help from the diagnostic's structure rather than by
    /// searching the text.
    pub fn segments(&self, source: &SourceFile) -> Vec<Segment> {
        let mut out = Segments::default();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push(Part::Label, format!("{label}[{}]", self.kind.code()));
        let mut header = format!(": {}", source.path());
        let start = self.span.as_ref().map(|s| source.line_col(s.start));
        if let Some(pos) = start {
            let _ = write!(header, ":{}:{}", pos.line, pos.column);
        }
        header.push_str(": ");
        if let Some(field) = &self.field {
            let _ = write!(header, "{field}: ");
        }
        header.push_str(&self.message);
        header.push('\n');
        out.push(Part::Text, header);
        // The gutter is as wide as the line number, so `|` and `=` line up as in rustc.
        let pad = " ".repeat(start.map_or(1, |pos| pos.line.to_string().len()));
        if let (Some(pos), Some(span)) = (start, &self.span) {
            let range = source.line_range(pos.line);
            let line = &source.text()[range.clone()];
            let at = span.start.clamp(range.start, range.end) - range.start;
            let until = span.end.clamp(range.start, range.end) - range.start;
            let excerpt = Excerpt::new(line, at, until.max(at));
            out.push(
                Part::Text,
                format!("{pad} |\n{} | {}\n", pos.line, excerpt.text),
            );
            out.push(
                Part::Text,
                format!("{pad} | {}", " ".repeat(excerpt.column)),
            );
            out.push(Part::Marker, "^".repeat(excerpt.width));
            out.push(Part::Text, "\n".to_owned());
        }
        if let Some(help) = &self.help {
            out.push(Part::Text, format!("{pad} = "));
            out.push(Part::Help, "help:".to_owned());
            out.push(Part::Text, format!(" {help}\n"));
        }
        out.0
    }
}

/// What a piece of a rendered diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// `error[code]` or `warning[code]`: coloured by severity.
    Label,
    /// The carets under the span: coloured by severity.
    Marker,
    /// The word `help:`.
    Help,
    /// Everything else: location, message, excerpt, gutter, help text.
    Text,
}

/// One piece of a rendered diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// What it is.
    pub part: Part,
    /// Its text; the segments of a diagnostic joined are [`Diagnostic::render`].
    pub text: String,
}

#[derive(Default)]
struct Segments(Vec<Segment>);

impl Segments {
    fn push(&mut self, part: Part, text: String) {
        self.0.push(Segment { part, text });
    }
}

/// Lines up to this many bytes are shown whole.
const WHOLE_LINE: usize = 120;
/// Characters shown of a longer line, around the span.
const SHOWN: usize = 100;
/// Of which at most this many come before the span.
const BEFORE: usize = 40;

/// The part of a source line shown under a diagnostic, and where its carets go.
struct Excerpt {
    text: String,
    /// Characters before the first caret.
    column: usize,
    /// Number of carets (at least one).
    width: usize,
}

impl Excerpt {
    /// `at..until` is the span, in bytes within `line`, clamped to it. A long line (a
    /// generated file, a minified array) is cut around the span, with `…` where text is
    /// left out, so each diagnostic prints a bounded amount whatever the line's length.
    fn new(line: &str, at: usize, until: usize) -> Self {
        let at = floor_char_boundary(line, at);
        let until = floor_char_boundary(line, until);
        if line.len() <= WHOLE_LINE {
            return Self {
                text: printable(line),
                column: line[..at].chars().count(),
                width: line[at..until].chars().count().max(1),
            };
        }
        let (before, from) = line[..at]
            .char_indices()
            .rev()
            .take(BEFORE)
            .enumerate()
            .last()
            .map_or((0, at), |(n, (i, _))| (n + 1, i));
        let to = line[at..]
            .char_indices()
            .nth(SHOWN - before)
            .map_or(line.len(), |(i, _)| at + i);
        let cut_front = from > 0;
        let mut text = String::new();
        if cut_front {
            text.push('…');
        }
        text.push_str(&printable(&line[from..to]));
        if to < line.len() {
            text.push('…');
        }
        Self {
            text,
            column: usize::from(cut_front) + line[from..at].chars().count(),
            width: line[at..until.min(to)].chars().count().max(1),
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Replaces characters that are not printable text so an excerpt can never move the
/// terminal's cursor, break the line or turn text around (bidi controls).
fn printable(line: &str) -> String {
    line.chars()
        .map(|c| {
            if crate::text::is_unprintable(c) && c != '\t' {
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
    fn excerpts_show_no_invisible_or_line_breaking_character() {
        let src = SourceFile::new("p.toml", "description = \"a\u{2028}b\u{202e}c\"\n");
        let d = Diagnostic::error(
            DiagnosticKind::ControlCharacter,
            "description",
            14..25,
            "bad",
        );
        let text = d.render(&src);
        assert!(
            !text.contains('\u{2028}') && !text.contains('\u{202e}'),
            "{text}"
        );
        assert!(text.contains("a\u{fffd}b\u{fffd}c"), "{text}");
    }

    #[test]
    fn renders_location_excerpt_and_help() {
        let src = SourceFile::new("p.toml", "name = \"gre0\"\n");
        let d = Diagnostic::error(DiagnosticKind::ReservedName, "name", 7..13, "reserved")
            .with_help("pick another");
        assert_eq!(
            d.render(&src),
            "error[reserved-name]: p.toml:1:8: name: reserved\n  |\n1 | name = \"gre0\"\n  |        ^^^^^^\n  = help: pick another\n"
        );
        let parts: Vec<Part> = d.segments(&src).iter().map(|s| s.part).collect();
        assert!(parts.starts_with(&[Part::Label, Part::Text]));
        assert!(parts.contains(&Part::Marker) && parts.contains(&Part::Help));
    }

    #[test]
    fn cuts_a_long_line_around_the_span() {
        let line = format!("addresses = [{}\"é\", 7]", "\"ü\", ".repeat(10_000));
        let at = line.find('7').unwrap();
        let src = SourceFile::new("p.toml", format!("{line}\n"));
        let d = Diagnostic::error(
            DiagnosticKind::WrongType,
            "addresses[10001]",
            at..at + 1,
            "x",
        );
        let text = d.render(&src);
        assert!(text.len() < 400, "{text}");
        let excerpt = text.lines().nth(2).unwrap();
        let carets = text.lines().nth(3).unwrap();
        assert!(
            excerpt.starts_with("1 | …") && excerpt.ends_with("\"é\", 7]"),
            "{excerpt}"
        );
        let column = excerpt.chars().position(|c| c == '7').unwrap();
        assert_eq!(carets.chars().position(|c| c == '^'), Some(column));
        assert_eq!(carets.matches('^').count(), 1);
        // The start of a long line, and a span running past the cut.
        let d = Diagnostic::error(DiagnosticKind::WrongType, "addresses", 0..line.len(), "x");
        let text = d.render(&src);
        assert!(text
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("1 | addresses = [\"ü\""));
        assert!(text.lines().nth(2).unwrap().ends_with('…'));
        assert_eq!(text.lines().nth(3).unwrap().matches('^').count(), SHOWN);
    }
}
