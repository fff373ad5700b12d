//! Reading the built-in templates, so the oracles learn what a file may contain from the
//! same text that renders it and cannot drift from it.
//!
//! A template line is either a block tag on its own (`{% for … %}`, `{% endif %}`: the
//! environment trims those lines away) or an output line. Output lines are split into
//! [`Piece`]s: literal text, printed values, and inline `{% for %}` / `{% if %}` groups.

use peergen_render::templates::embedded;

/// The names of the built-in templates the oracles read (paths under `templates/`; a test
/// checks each is a template the renderer embeds).
pub mod names {
    /// wg-quick's `.conf`.
    pub const WG_QUICK_CONF: &str = "wg-quick/interface.conf.j2";
    /// networkd's `.netdev`.
    pub const NETWORKD_NETDEV: &str = "networkd/tunnel.netdev.j2";
    /// networkd's `.network`.
    pub const NETWORKD_NETWORK: &str = "networkd/tunnel.network.j2";
    /// netplan's YAML.
    pub const NETPLAN_YAML: &str = "netplan/tunnel.yaml.j2";
    /// The `ip` bring-up script.
    pub const IP_UP: &str = "ip/up.sh.j2";
    /// The `ip` tear-down script.
    pub const IP_DOWN: &str = "ip/down.sh.j2";
}

/// The text of a built-in template by name (`names::IP_UP`, …).
pub fn text(name: &str) -> &'static str {
    embedded()
        .find(|t| t.id.name == name)
        .map(|t| t.text)
        .unwrap_or_else(|| panic!("no built-in template {name}"))
}

/// One output line of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The line as written in the template, without its line break.
    pub text: &'static str,
    /// Whether the line sits inside a multi-line `{% for %}` block (and so may repeat).
    pub in_loop: bool,
}

/// The output lines of a template, block-tag-only lines left out.
pub fn lines(template: &'static str) -> Vec<Line> {
    let mut depth = 0usize;
    let mut out = Vec::new();
    for text in template.lines() {
        let trimmed = text.trim();
        if trimmed.starts_with("{%") && trimmed.ends_with("%}") && !trimmed[2..].contains("{%") {
            let tag = trimmed[2..trimmed.len() - 2].trim();
            if tag.starts_with("for ") {
                depth += 1;
            } else if tag == "endfor" {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        out.push(Line {
            text,
            in_loop: depth > 0,
        });
    }
    out
}

/// A part of a template line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text written as it is.
    Literal(String),
    /// A printed value, `{{ expr }}` (the expression without its filters).
    Value(String),
    /// An inline `{% for %}` body: zero or more times.
    Repeat(Vec<Piece>),
    /// An inline `{% if %}` body: zero or one time.
    Optional(Vec<Piece>),
}

/// Splits a template line into pieces. Inline `{% else %}` is not used by the templates and
/// is refused, so a template change that needs it shows up as a failing oracle test.
pub fn pieces(line: &str) -> Vec<Piece> {
    let mut stack: Vec<Vec<Piece>> = vec![Vec::new()];
    let mut kinds: Vec<&str> = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let next = [rest.find("{{"), rest.find("{%")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(rest.len());
        if next > 0 {
            push(&mut stack, Piece::Literal(rest[..next].to_owned()));
            rest = &rest[next..];
            continue;
        }
        let close = if rest.starts_with("{{") { "}}" } else { "%}" };
        let end = rest
            .find(close)
            .unwrap_or_else(|| panic!("unclosed tag in template line {line:?}"));
        let inner = rest[2..end].trim();
        rest = &rest[end + 2..];
        if close == "}}" {
            let expr = inner.split('|').next().unwrap_or("").trim().to_owned();
            push(&mut stack, Piece::Value(expr));
        } else if inner.starts_with("for ") || inner.starts_with("if ") {
            kinds.push(if inner.starts_with("for ") {
                "for"
            } else {
                "if"
            });
            stack.push(Vec::new());
        } else if inner == "endfor" || inner == "endif" {
            let body = stack.pop().unwrap_or_default();
            let piece = match kinds.pop() {
                Some("for") => Piece::Repeat(body),
                _ => Piece::Optional(body),
            };
            push(&mut stack, piece);
        } else {
            panic!("unsupported inline tag {inner:?} in template line {line:?}");
        }
    }
    assert_eq!(stack.len(), 1, "unbalanced tags in template line {line:?}");
    stack.pop().unwrap_or_default()
}

fn push(stack: &mut [Vec<Piece>], piece: Piece) {
    if let Some(top) = stack.last_mut() {
        top.push(piece);
    }
}
