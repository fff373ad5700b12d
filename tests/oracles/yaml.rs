//! Oracle for netplan YAML: no line break but `\n` (YAML 1.1, the rules of libyaml that
//! netplan uses, also breaks lines at CR, NEL, U+2028 and U+2029, which ends a comment
//! early), and the file parses with libyaml's rules into
//! exactly one document whose mapping keys are all keys the template writes, at the
//! place the template writes them, each once, without anchors, aliases or tags.
//!
//! The allowed key paths are read from the template's indentation: `network.tunnels.*.mtu`,
//! `network.tunnels.*.peers.[].keys.public`, … where `*` is the tunnel's name and `[]` a
//! sequence item.
//!
//! One section names another interface: `bridges`, where netplan merges the tunnel into the
//! host's own bridge definition. Its only allowed shape is
//! `bridges: <bridge>: interfaces: [<the tunnel>]`: one bridge, a usable interface name
//! other than the tunnel's, whose only key is `interfaces`, a list of exactly the tunnel, so
//! the file can never add or reconfigure anything else on the host.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use libyaml_safer::{EventData, Parser};

use super::{template, Violation};

/// A key path: mapping keys, `[]` for a sequence item, `*` for the tunnel name.
pub type KeyPath = Vec<String>;

/// The key paths the netplan template writes.
pub fn allowed_paths() -> &'static BTreeSet<KeyPath> {
    static PATHS: OnceLock<BTreeSet<KeyPath>> = OnceLock::new();
    PATHS.get_or_init(|| paths_of(template::text(template::names::NETPLAN_YAML)))
}

/// Reads the key paths of a YAML template from its indentation.
pub fn paths_of(template_text: &'static str) -> BTreeSet<KeyPath> {
    let mut paths = BTreeSet::new();
    // (column, segment) of the enclosing keys and sequence items.
    let mut stack: Vec<(usize, String)> = Vec::new();
    for line in template::lines(template_text) {
        let text = line.text.trim_start();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let mut column = line.text.len() - text.len();
        while stack.last().is_some_and(|(c, _)| *c >= column) {
            stack.pop();
        }
        let mut rest = text;
        if let Some(item) = rest.strip_prefix("- ") {
            stack.push((column, "[]".to_owned()));
            rest = item;
            column += 2;
        }
        let Some((key, _)) = rest.split_once(':') else {
            continue;
        };
        let key = key.trim();
        let key = if key.starts_with("{{") { "*" } else { key };
        if key.is_empty() || key.contains(' ') || key.contains('"') {
            continue;
        }
        stack.push((column, key.to_owned()));
        paths.insert(stack.iter().map(|(_, s)| s.clone()).collect());
    }
    paths
}

enum Frame {
    Map {
        path: KeyPath,
        keys: BTreeSet<String>,
        key: Option<String>,
    },
    Seq {
        path: KeyPath,
        items: usize,
    },
}

/// Where the next node goes: its key path.
fn child_path(stack: &[Frame]) -> Option<KeyPath> {
    match stack.last()? {
        Frame::Map { path, key, .. } => {
            let mut p = path.clone();
            p.push(key.clone()?);
            Some(p)
        }
        Frame::Seq { path, .. } => {
            let mut p = path.clone();
            p.push("[]".to_owned());
            Some(p)
        }
    }
}

fn matches(allowed: &KeyPath, path: &KeyPath) -> bool {
    allowed.len() == path.len() && allowed.iter().zip(path).all(|(a, p)| a == "*" || a == p)
}

/// Whether `path` is `network.bridges` followed by `rest` (`*` for the bridge's name).
fn in_bridges(path: &[String], rest: &[&str]) -> bool {
    path.len() == 2 + rest.len()
        && path[0] == "network"
        && path[1] == "bridges"
        && rest
            .iter()
            .zip(&path[2..])
            .all(|(r, p)| *r == "*" || r == p)
}

/// An interface name `ip link` shows and netplan accepts, that no tool reads as an option:
/// 1 to 15 bytes of `[A-Za-z0-9_=+.-]`, not `.` or `..`, no leading `-`.
fn is_interface_name(name: &str) -> bool {
    (1..=15).contains(&name.len())
        && !name.starts_with('-')
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_=+.-".contains(&b))
}

/// Checks one rendered netplan file of interface `name`.
pub fn check(file: &str, name: &str, contents: &str, out: &mut Vec<Violation>) {
    let mut fail = |line: u64, what: String| {
        out.push(Violation::new(
            "yaml",
            file,
            usize::try_from(line).unwrap_or(0) + 1,
            what,
        ));
    };
    // libyaml also breaks lines at these. Such a file is broken already (netplan reads a
    // comment's tail as YAML), and it is not parsed: the parser's port panics on some of
    // what an injected tail can hold (a tag before `,` in a flow collection).
    for (index, line) in contents.split('\n').enumerate() {
        if let Some(c) = line
            .chars()
            .find(|c| matches!(c, '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
        {
            fail(
                u64::try_from(index).unwrap_or(0),
                format!("libyaml breaks the line at U+{:04X}", u32::from(c)),
            );
            return;
        }
    }
    let mut input = contents.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    let mut stack: Vec<Frame> = Vec::new();
    let mut documents = 0;
    loop {
        let event = match parser.parse() {
            Ok(event) => event,
            Err(err) => {
                fail(0, format!("libyaml refuses the file: {err}"));
                return;
            }
        };
        let line = event.start_mark.line;
        match event.data {
            EventData::StreamEnd => break,
            EventData::StreamStart { .. } | EventData::DocumentEnd { .. } => {}
            EventData::DocumentStart { .. } => {
                documents += 1;
                if documents > 1 {
                    fail(line, "more than one YAML document".to_owned());
                }
            }
            EventData::Alias { anchor } => fail(line, format!("alias *{anchor}")),
            EventData::Scalar {
                anchor, tag, value, ..
            } => {
                if anchor.is_some() || tag.is_some() {
                    fail(line, format!("anchor or tag on {value:?}"));
                }
                match stack.last_mut() {
                    Some(Frame::Map { path, keys, key }) if key.is_none() => {
                        let mut full = path.clone();
                        full.push(value.clone());
                        let known = allowed_paths().iter().find(|a| matches(a, &full));
                        match known {
                            None => fail(
                                line,
                                format!("key {} is not in the template", full.join(".")),
                            ),
                            Some(_) if in_bridges(&full, &["*"]) => {
                                if !keys.is_empty() {
                                    fail(line, format!("a second bridge {value:?}"));
                                }
                                if value == name || !is_interface_name(&value) {
                                    fail(line, format!("{value:?} is not a bridge's name"));
                                }
                            }
                            Some(a) if a.last().is_some_and(|s| s == "*") && value != name => fail(
                                line,
                                format!("tunnel {value:?} is not the interface {name:?}"),
                            ),
                            Some(_) => {}
                        }
                        if !keys.insert(value.clone()) {
                            fail(line, format!("key {} appears twice", full.join(".")));
                        }
                        *key = Some(value);
                    }
                    Some(frame @ Frame::Map { .. }) => {
                        if child_path(std::slice::from_ref(frame))
                            .is_some_and(|p| in_bridges(&p, &["*", "interfaces"]))
                        {
                            fail(line, "a bridge's interfaces are not a list".to_owned());
                        }
                        if let Frame::Map { key, .. } = frame {
                            *key = None;
                        }
                    }
                    Some(Frame::Seq { path, items }) => {
                        *items += 1;
                        if in_bridges(path, &["*", "interfaces"]) && value != name {
                            fail(
                                line,
                                format!("bridge port {value:?} is not the tunnel {name:?}"),
                            );
                        }
                    }
                    None => {}
                }
            }
            EventData::SequenceStart {
                ref anchor,
                ref tag,
                ..
            }
            | EventData::MappingStart {
                ref anchor,
                ref tag,
                ..
            } => {
                if anchor.is_some() || tag.is_some() {
                    fail(line, "anchor or tag on a collection".to_owned());
                }
                let is_map = matches!(event.data, EventData::MappingStart { .. });
                if let Some(Frame::Seq { items, .. }) = stack.last_mut() {
                    *items += 1;
                }
                let path = match stack.last() {
                    None => Vec::new(),
                    Some(Frame::Map { key: None, .. }) => {
                        fail(line, "a collection as a mapping key".to_owned());
                        return;
                    }
                    Some(_) => child_path(&stack).unwrap_or_default(),
                };
                stack.push(if is_map {
                    Frame::Map {
                        path,
                        keys: BTreeSet::new(),
                        key: None,
                    }
                } else {
                    Frame::Seq { path, items: 0 }
                });
            }
            EventData::SequenceEnd | EventData::MappingEnd => {
                match stack.pop() {
                    Some(Frame::Seq { path, items })
                        if items != 1 && in_bridges(&path, &["*", "interfaces"]) =>
                    {
                        fail(
                            line,
                            format!(
                                "a bridge's interfaces list {items} entries, not the tunnel alone"
                            ),
                        );
                    }
                    Some(Frame::Map { path, keys, .. })
                        if in_bridges(&path, &["*"]) && !keys.contains("interfaces") =>
                    {
                        fail(line, "a bridge without interfaces".to_owned());
                    }
                    _ => {}
                }
                if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                    *key = None;
                }
            }
        }
    }
    if documents != 1 {
        fail(0, format!("{documents} YAML documents, expected one"));
    }
}
