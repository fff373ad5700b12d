//! Oracle for the key=value formats (systemd-networkd `.netdev`/`.network`, wg-quick
//! `.conf`): every line is blank, a comment, a section header or `Key=Value`; sections
//! and keys are those the template writes, in the section the template writes them;
//! sections and keys repeat only where the template repeats them; no line ends in `\`
//! (systemd would join the next line to it); wg-quick lines hold no `#` (wg-quick cuts a
//! line at the first `#`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::{template, Violation};

/// What a template allows, read from its text.
#[derive(Debug, Default)]
pub struct Grammar {
    /// Section name → keys it may hold.
    pub keys: BTreeMap<String, BTreeSet<String>>,
    /// Sections that may appear more than once (headers inside a `{% for %}`).
    pub repeatable_sections: BTreeSet<String>,
    /// (section, key) pairs that may appear more than once in one section.
    pub repeatable_keys: BTreeSet<(String, String)>,
}

/// Which INI dialect a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// systemd unit-file syntax: `Key=Value`, `#` or `;` comments at line start.
    Systemd,
    /// wg-quick: `Key = Value`, and `#` starts a comment anywhere on a line.
    WgQuick,
}

fn section_header(line: &str) -> Option<&str> {
    line.strip_prefix('[')?.strip_suffix(']')
}

fn is_key(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Reads the sections and keys a template writes.
pub fn grammar(template_name: &str) -> Grammar {
    let mut g = Grammar::default();
    let mut section = String::new();
    let mut seen_in_section: BTreeSet<String> = BTreeSet::new();
    for line in template::lines(template::text(template_name)) {
        let text = line.text.trim();
        if let Some(name) = section_header(text) {
            section = name.to_owned();
            seen_in_section.clear();
            g.keys.entry(section.clone()).or_default();
            if line.in_loop {
                g.repeatable_sections.insert(section.clone());
            }
        } else if let Some((key, _)) = text.split_once('=') {
            let key = key.trim();
            if text.starts_with('#') || !is_key(key) {
                continue;
            }
            g.keys
                .entry(section.clone())
                .or_default()
                .insert(key.to_owned());
            if line.in_loop || !seen_in_section.insert(key.to_owned()) {
                g.repeatable_keys.insert((section.clone(), key.to_owned()));
            }
        }
    }
    g
}

/// The grammars of the three key=value templates, read once.
pub fn grammars() -> &'static [(&'static str, Grammar); 3] {
    static GRAMMARS: OnceLock<[(&'static str, Grammar); 3]> = OnceLock::new();
    GRAMMARS.get_or_init(|| {
        [
            (".netdev", grammar(template::names::NETWORKD_NETDEV)),
            (".network", grammar(template::names::NETWORKD_NETWORK)),
            (".conf", grammar(template::names::WG_QUICK_CONF)),
        ]
    })
}

/// Checks one rendered key=value file against the grammar of its template.
pub fn check(file: &str, contents: &str, out: &mut Vec<Violation>) {
    let Some((ending, g)) = grammars().iter().find(|(ending, _)| file.ends_with(ending)) else {
        out.push(Violation::new(
            "ini",
            file,
            0,
            "no template for this file name",
        ));
        return;
    };
    let dialect = if *ending == ".conf" {
        Dialect::WgQuick
    } else {
        Dialect::Systemd
    };
    let mut fail = |line: usize, what: String| out.push(Violation::new("ini", file, line, what));
    let mut section: Option<String> = None;
    let mut sections_seen: BTreeSet<String> = BTreeSet::new();
    let mut keys_seen: BTreeSet<String> = BTreeSet::new();
    for (index, line) in contents.lines().enumerate() {
        let number = index + 1;
        if line.ends_with('\\') {
            fail(number, format!("line ends in a backslash: {line:?}"));
        }
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if dialect == Dialect::WgQuick && line.contains('#') {
            fail(number, format!("wg-quick cuts this line at '#': {line:?}"));
        }
        if let Some(name) = section_header(trimmed) {
            if !g.keys.contains_key(name) {
                fail(number, format!("section [{name}] is not in the template"));
            }
            if !sections_seen.insert(name.to_owned()) && !g.repeatable_sections.contains(name) {
                fail(number, format!("section [{name}] appears twice"));
            }
            section = Some(name.to_owned());
            keys_seen.clear();
            continue;
        }
        let Some((key, _value)) = line.split_once('=') else {
            fail(
                number,
                format!("neither comment, section nor Key=Value: {line:?}"),
            );
            continue;
        };
        let key = key.trim();
        let Some(current) = &section else {
            fail(number, format!("key {key:?} before the first section"));
            continue;
        };
        let allowed = g.keys.get(current).is_some_and(|keys| keys.contains(key));
        if !allowed {
            fail(
                number,
                format!("key {key:?} is not in the template's [{current}]"),
            );
        } else if !keys_seen.insert(key.to_owned())
            && !g
                .repeatable_keys
                .contains(&(current.clone(), key.to_owned()))
        {
            fail(number, format!("key {key:?} appears twice in [{current}]"));
        }
    }
}
