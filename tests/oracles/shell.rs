//! Oracle for shell text: the `ip` scripts, and wg-quick's `PostUp` commands (run by
//! `bash -c`). Every command line must have the shape of a template line, where each
//! printed value is one shell word made only of characters that are literal in POSIX sh
//! (no glob `*?[]`, no `~`, `$`, backquote, `;|&<>(){}#`, no blank) or single-quoted, and
//! does not start with `-` (which `ip` and `wg` would read as an option), except the
//! address family words `-4`/`-6`. So a value can never add a command, a redirection, a
//! glob or an option, and the template's own fixed text (`undo() { …; }`, `2>/dev/null`,
//! `printf '%s\n' … |`) is the only place such characters may appear.

use std::sync::OnceLock;

use super::template::{self, Piece};
use super::Violation;

/// Characters that stand for themselves anywhere in an unquoted POSIX sh word.
pub fn is_literal(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c)
}

/// Byte offsets where a shell word that starts at `start` may end: after each literal
/// character and after each complete single-quoted part (`'…'` or `\'`).
fn word_ends(line: &str, start: usize) -> Vec<usize> {
    let bytes = line.as_bytes();
    let mut ends = Vec::new();
    let mut i = start;
    while i < bytes.len() {
        let c = line[i..].chars().next().unwrap_or(' ');
        if is_literal(c) {
            i += c.len_utf8();
        } else if c == '\'' {
            match line[i + 1..].find('\'') {
                Some(close) => i += close + 2,
                None => break,
            }
        } else if line[i..].starts_with("\\'") {
            i += 2;
        } else {
            break;
        }
        ends.push(i);
    }
    ends
}

/// The first character a word means, quotes removed.
fn first_meant(word: &str) -> Option<char> {
    let unquoted = word.trim_start_matches("\\'");
    if word.len() != unquoted.len() {
        return Some('\'');
    }
    match unquoted.strip_prefix('\'') {
        Some(inner) if inner.starts_with('\'') => first_meant(&inner[1..]),
        Some(inner) => inner.chars().next(),
        None => unquoted.chars().next(),
    }
}

fn value_ok(expr: &str, word: &str) -> bool {
    expr.ends_with("family") || first_meant(word) != Some('-')
}

/// Whether `line[pos..]` matches `pieces` followed by `rest` (a continuation stack).
fn match_at(line: &str, pos: usize, pieces: &[Piece], rest: &[&[Piece]]) -> bool {
    let Some((first, tail)) = pieces.split_first() else {
        return match rest.split_first() {
            Some((next, more)) => match_at(line, pos, next, more),
            None => pos == line.len(),
        };
    };
    match first {
        Piece::Literal(text) => {
            line[pos..].starts_with(text.as_str()) && match_at(line, pos + text.len(), tail, rest)
        }
        Piece::Value(expr) => word_ends(line, pos)
            .into_iter()
            .rev()
            .any(|end| value_ok(expr, &line[pos..end]) && match_at(line, end, tail, rest)),
        Piece::Optional(body) => {
            let mut more = vec![tail];
            more.extend_from_slice(rest);
            match_at(line, pos, body, &more) || match_at(line, pos, tail, rest)
        }
        Piece::Repeat(body) => {
            // One more iteration must consume text, so this ends.
            let again = [first.clone()];
            let mut more: Vec<&[Piece]> = vec![&again, tail];
            more.extend_from_slice(rest);
            let progress = !body.is_empty() && match_at(line, pos, body, &more);
            progress || match_at(line, pos, tail, rest)
        }
    }
}

/// Whether a rendered line has the shape of one of `shapes`.
pub fn matches_any(line: &str, shapes: &[Shape]) -> bool {
    shapes.iter().any(|shape| match_at(line, 0, shape, &[]))
}

/// One template command line, split into pieces.
pub type Shape = Vec<Piece>;

/// The command-line shapes the templates write.
#[derive(Debug)]
pub struct Shapes {
    /// Lines of the `ip` scripts.
    pub script: Vec<Shape>,
    /// wg-quick's `PostUp` lines.
    pub post_up: Vec<Shape>,
}

/// The command-line shapes of the `ip` scripts and of wg-quick's `PostUp` lines.
pub fn shapes() -> &'static Shapes {
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let script = [template::names::IP_UP, template::names::IP_DOWN]
            .into_iter()
            .flat_map(|name| template::lines(template::text(name)))
            .filter(|l| !l.text.trim().is_empty() && !l.text.trim_start().starts_with('#'))
            .map(|l| template::pieces(l.text))
            .collect();
        let post_up = template::lines(template::text(template::names::WG_QUICK_CONF))
            .into_iter()
            .filter(|l| l.text.starts_with("PostUp"))
            .map(|l| template::pieces(l.text))
            .collect();
        Shapes { script, post_up }
    })
}

/// Checks an `ip` script: every line blank, a comment, or a template command shape.
pub fn check_script(file: &str, contents: &str, out: &mut Vec<Violation>) {
    for (index, line) in contents.split('\n').enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !matches_any(line, &shapes().script) {
            out.push(Violation::new(
                "shell",
                file,
                index + 1,
                format!("not a template command with one safe word per value: {line:?}"),
            ));
        }
    }
}

/// Checks wg-quick's `PostUp` lines, which bash runs.
pub fn check_post_up(file: &str, contents: &str, out: &mut Vec<Violation>) {
    for (index, line) in contents.split('\n').enumerate() {
        if line.starts_with("PostUp") && !matches_any(line, &shapes().post_up) {
            out.push(Violation::new(
                "shell",
                file,
                index + 1,
                format!("not a template command with one safe word per value: {line:?}"),
            ));
        }
    }
}
