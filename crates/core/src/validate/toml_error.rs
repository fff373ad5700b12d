//! Turns toml's parse and shape errors into diagnostics with a kind, field and help.
//!
//! toml reports one problem at a time, in serde's words (`invalid type: string "1",
//! expected i64`) and with a span but no key path. For shape errors the text is valid TOML,
//! so it is read a second time into a tree of spanned keys; the error's span then finds the
//! dotted field (`local.port`, `local.addresses[1]`) and the message is rewritten in the
//! peer file's terms, with a fix (a close spelling, the table a key belongs to, the TOML
//! type to write).

use std::fmt;
use std::ops::Range;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::kind::TunnelKind;

const END_KEYS: &[&str] = &[
    "endpoint",
    "addresses",
    "port",
    "public-key",
    "private-key-file",
    "private-key",
    "allowed-ips",
    "routes",
    "bridge",
];
const GRE_KEYS: &[&str] = &["key", "ttl"];
const IP6GRE_KEYS: &[&str] = &["key", "ttl", "encap-limit"];

/// Every table of a peer file (`""` is the top level) with the keys it accepts, in the
/// order of [`crate::raw`]; a unit test checks this against what the parser accepts.
const SCHEMA: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "name",
            "kind",
            "description",
            "mtu",
            "underlay-mtu",
            "local",
            "remote",
            "wireguard",
            "gre",
            "sit",
            "ip6gre",
            "gretap",
            "ip6gretap",
            "vxlan",
        ],
    ),
    ("local", END_KEYS),
    ("remote", END_KEYS),
    (
        "wireguard",
        &["persistent-keepalive", "allowed-ips", "preshared-key-file"],
    ),
    ("gre", GRE_KEYS),
    ("sit", &["ttl"]),
    ("ip6gre", IP6GRE_KEYS),
    ("gretap", GRE_KEYS),
    ("ip6gretap", IP6GRE_KEYS),
    ("vxlan", &["vni", "port", "ttl"]),
];

/// Maps a toml error; toml reports one syntax or shape problem at a time.
pub(crate) fn to_diagnostic(err: &toml::de::Error, text: &str) -> Diagnostic {
    let message = err.message().trim().to_owned();
    let span = err.span().unwrap_or(0..text.len().min(1));
    let tree = Tree::read(text);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default();
        unknown_key(tree.as_ref(), text, key, span)
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or_default();
        missing_key(tree.as_ref(), text, key, span)
    } else if message.starts_with("invalid type")
        || message.starts_with("data did not match")
        || message.starts_with("invalid value")
    {
        // With spanned fields, toml reports a key under a table that has no such key
        // (`[local.extra]`, `endpoint.x = 1`) as a type error on the key itself.
        match message
            .strip_prefix("invalid type: string \"")
            .and_then(|rest| rest.strip_suffix("\", expected a borrowed string"))
        {
            Some(key) => unknown_key(tree.as_ref(), text, key, span),
            None => wrong_type(tree.as_ref(), text, &message, span),
        }
    } else {
        syntax(text, &message, span)
    }
}

fn unknown_key(tree: Option<&Tree>, text: &str, key: &str, span: Range<usize>) -> Diagnostic {
    let entry = tree.and_then(|t| t.entries.iter().find(|e| e.key_span == span));
    let table = entry.map_or_else(
        || dotted_parent(text, span.start).unwrap_or_default(),
        |e| e.parent.clone(),
    );
    let table = table.as_str();
    let field = if table.is_empty() {
        key.to_owned()
    } else {
        format!("{table}.{key}")
    };
    let known = keys_of(table);
    let place = table_name(table);
    if !table.is_empty() && !SCHEMA.iter().any(|(t, _)| *t == table) {
        let message = format!("`{table}` is not a table, so it cannot hold the key `{key}`");
        let help = format!(
            "write {table} as a single value (`{} = …`); docs/peer-file.md lists every table and key",
            table.rsplit('.').next().unwrap_or(table)
        );
        return Diagnostic::error(DiagnosticKind::UnknownKey, field, span, message).with_help(help);
    }
    let message = if table.is_empty() {
        format!("unknown key `{key}` at the top level")
    } else {
        format!("unknown key `{key}` in {place}")
    };
    let listing = format!("{place} accepts {}", list(known));
    let help = if let Some(close) = closest(key, known) {
        format!("did you mean `{close}`? ({listing})")
    } else {
        let elsewhere: Vec<String> = SCHEMA
            .iter()
            .filter(|(t, keys)| *t != table && keys.contains(&normalize(key).as_str()))
            .map(|(t, _)| table_name(t))
            .collect();
        if elsewhere.is_empty() {
            format!("check the spelling; {listing}")
        } else {
            format!(
                "`{key}` is a key of {}; move it there ({listing})",
                elsewhere.join(", ")
            )
        }
    };
    Diagnostic::error(DiagnosticKind::UnknownKey, field, span, message).with_help(help)
}

fn missing_key(tree: Option<&Tree>, text: &str, key: &str, span: Range<usize>) -> Diagnostic {
    // toml gives the span of the table that lacks the key; the top level has none of its own.
    let table = tree
        .and_then(|t| {
            t.entries
                .iter()
                .find(|e| e.value_span == span && !span.is_empty())
        })
        .map(|e| e.path.clone());
    let (field, place, span) = match table {
        Some(table) => (format!("{table}.{key}"), table_name(&table), span),
        None => {
            // Point at the first line holding TOML (after the leading comments): the
            // top-level keys go there, before the first [table].
            let start = first_content_offset(text);
            (key.to_owned(), table_name(""), start..start)
        }
    };
    let message = format!("the required key `{key}` is missing from {place}");
    let kinds: Vec<&str> = TunnelKind::ALL.iter().map(|k| k.as_str()).collect();
    let help = match field.as_str() {
        "name" => "add name = \"…\" before the first [table]: the interface name on both ends, 1 to 15 letters, digits or _ = + . -".to_owned(),
        "kind" => format!("add kind = \"…\" before the first [table], one of: {}", kinds.join(", ")),
        "local" => "add a [local] table with this host's endpoint and tunnel addresses".to_owned(),
        "remote" => "add a [remote] table with the other host's endpoint and tunnel addresses".to_owned(),
        "vxlan.vni" => "add vni = … to [vxlan]: the VXLAN network identifier, 1 to 16777215, the same on both ends".to_owned(),
        _ => format!("add {key} = … to {place}; docs/peer-file.md describes it"),
    };
    Diagnostic::error(DiagnosticKind::MissingKey, field, span, message).with_help(help)
}

fn wrong_type(tree: Option<&Tree>, text: &str, message: &str, span: Range<usize>) -> Diagnostic {
    let entry = tree.and_then(|t| {
        t.entries
            .iter()
            .filter(|e| e.value_span == span)
            .max_by_key(|e| e.path.len())
    });
    // Without a tree (a date-time defeats it), the key is read off the line.
    let field = entry
        .map(|e| e.path.clone())
        .or_else(|| line_key(text, span.start))
        .unwrap_or_else(|| "(value)".to_owned());
    let key = entry.map_or_else(
        || field.rsplit('.').next().unwrap_or_default().to_owned(),
        |e| e.key.clone(),
    );
    let written = text.get(span.clone()).unwrap_or_default().trim();
    if written.starts_with("[[") {
        let message = format!("[[{key}]] makes an array of tables, but {key} is one table");
        let help = format!("write the header with single brackets: [{key}]");
        return Diagnostic::error(DiagnosticKind::WrongType, key, span, message).with_help(help);
    }
    let shown = if written.contains('\n') || written.chars().count() > 40 {
        String::new()
    } else {
        format!(" {written}")
    };
    let (expected, found) = match message.strip_prefix("invalid type: ") {
        Some(rest) => {
            let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
            (toml_type(expected), found_type(found))
        }
        // The untagged `encap-limit` and anything else serde words differently.
        None if field.ends_with("encap-limit") => (
            "\"none\" or an integer from 0 to 255".to_owned(),
            found_type(literal_type(written)),
        ),
        None => ("another type".to_owned(), found_type(literal_type(written))),
    };
    // toml hands date-times to serde as tables; say what was written.
    let found = if is_date_time(written) {
        "a date-time".to_owned()
    } else {
        found
    };
    let message = format!("expected {expected}, found {found}{shown}");
    let unquoted = written.trim_matches('"').trim_matches('\'');
    let help = if expected == "an integer" && found == "a string" && unquoted.parse::<i64>().is_ok()
    {
        format!("remove the quotes: {key} = {unquoted}")
    } else if expected == "a string" && !written.starts_with(['[', '{']) && field.ends_with(']') {
        format!("write each entry of {key} in double quotes: \"{unquoted}\"")
    } else if expected == "a string" && !written.starts_with(['[', '{']) {
        format!("put the value in double quotes: {key} = \"{unquoted}\"")
    } else if expected == "an array" && found == "a string" {
        format!("write a list, even for one entry: {key} = [{written}]")
    } else if expected == "a table" {
        format!(
            "[{key}] is a table: write the header [{key}] on its own line and its keys below it"
        )
    } else if field.ends_with("encap-limit") {
        "write encap-limit = \"none\" to leave the option out, or a number such as 4".to_owned()
    } else {
        format!("write {expected}; docs/peer-file.md gives every key's type")
    };
    Diagnostic::error(DiagnosticKind::WrongType, field, span, message).with_help(help)
}

fn syntax(text: &str, message: &str, span: Range<usize>) -> Diagnostic {
    // toml's message may span lines ("invalid table header\nexpected `.`, `]`").
    let message = message.replace('\n', ": ");
    let at = text.get(span.clone()).unwrap_or_default();
    let help = if message.contains("duplicate key") {
        "a key (or [table]) may appear only once: remove or merge the second one".to_owned()
    } else if message.starts_with("invalid basic string")
        && (at.is_empty() || at.starts_with(['\n', '\r']))
    {
        "the string is not closed: add the closing \" before the end of the line".to_owned()
    } else if let Some((key, value)) = unquoted_value(text, span.start) {
        format!("text values are strings: put it in double quotes, {key} = \"{value}\"")
    } else {
        "fix the TOML syntax here: one key = value per line, strings in double quotes, tables as [name] (see https://toml.io)".to_owned()
    };
    let field = line_key(text, span.start).unwrap_or_else(|| "(syntax)".to_owned());
    let message = format!("this is not valid TOML: {message}");
    Diagnostic::error(DiagnosticKind::TomlSyntax, field, span, message).with_help(help)
}

/// `[local]`, or "the top level" for `""`.
fn table_name(table: &str) -> String {
    if table.is_empty() {
        "the top level".to_owned()
    } else {
        format!("[{table}]")
    }
}

fn keys_of(table: &str) -> &'static [&'static str] {
    SCHEMA
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(&[], |(_, keys)| keys)
}

fn list(keys: &[&str]) -> String {
    if keys.is_empty() {
        "no keys".to_owned()
    } else {
        keys.join(", ")
    }
}

/// `public_key` and `Public-Key` mean `public-key`.
fn normalize(key: &str) -> String {
    key.to_ascii_lowercase().replace('_', "-")
}

/// The known key closest in spelling, if it is close enough to be the intended one.
fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let key = normalize(key);
    known
        .iter()
        .map(|k| (edit_distance(&key, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// serde's name of an expected type, in TOML's words.
fn toml_type(expected: &str) -> String {
    match expected {
        "i64" | "u64" | "i32" | "u32" | "u16" | "u8" => "an integer".to_owned(),
        "a string" | "a borrowed string" => "a string".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a boolean" => "a boolean".to_owned(),
        e if e.starts_with("struct ") || e == "a map" => "a table".to_owned(),
        e => e.to_owned(),
    }
}

/// serde's `Unexpected` (`string "1"`, ``integer `5` ``, `sequence`) as a TOML type.
fn found_type(found: &str) -> String {
    let word = found.split([' ', '`', '"']).next().unwrap_or(found);
    match word {
        "string" => "a string",
        "integer" => "an integer",
        "floating" => "a float",
        "boolean" => "a boolean",
        "sequence" => "an array",
        "map" => "a table",
        other => other,
    }
    .to_owned()
}

/// The TOML type of a literal as written, for errors that do not name it.
fn literal_type(written: &str) -> &'static str {
    match written.chars().next() {
        Some('"' | '\'') => "string",
        Some('[') => "sequence",
        Some('{') => "map",
        _ if written == "true" || written == "false" => "boolean",
        _ if written.parse::<i64>().is_ok() => "integer",
        _ if written.parse::<f64>().is_ok() => "floating",
        _ => "value",
    }
}

/// `1979-05-27`, `07:32:00`, `1979-05-27T07:32:00Z`: TOML date-times, which need no quotes.
fn is_date_time(written: &str) -> bool {
    written.starts_with(|c: char| c.is_ascii_digit())
        && (written.contains('-') || written.contains(':'))
        && written.parse::<f64>().is_err()
        && written
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-:.+ ".contains(c))
}

/// Byte offset of the first line that is neither blank nor a comment.
fn first_content_offset(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            return offset + (line.len() - line.trim_start().len());
        }
        offset += line.len();
    }
    0
}

/// The `key` and value of the line at `offset` when the value is bare text that TOML cannot
/// read (`endpoint = 198.51.100.10`, `kind = gre`): it only needs quotes.
fn unquoted_value(text: &str, offset: usize) -> Option<(String, String)> {
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?;
    let (key, value) = line.split_once('=')?;
    let key = key.trim();
    let value = value.split(" #").next()?.trim();
    let bare = !value.is_empty()
        && !value.starts_with(['"', '\'', '[', '{'])
        && value != "true"
        && value != "false"
        && value.parse::<f64>().is_err()
        && value.parse::<i64>().is_err()
        && !value.contains(char::is_whitespace);
    (bare && !key.is_empty() && !key.contains(char::is_whitespace))
        .then(|| (key.to_owned(), value.to_owned()))
}

/// The dotted path of the table holding the key that starts at `offset`, read off the text:
/// the part of a `[header]` before the key, or the current table plus the dotted prefix of
/// a `key.sub = value` line. `Some("")` is the top level; `None` when unclear.
fn dotted_parent(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let head = text[line_start..offset].trim_start();
    let clean = |s: &str| {
        s.split('.')
            .map(|part| part.trim().trim_matches('"').trim_matches('\''))
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(".")
    };
    if let Some(header) = head.strip_prefix('[') {
        return Some(clean(header.trim_start_matches('[')));
    }
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| clean(l.trim_matches(|c| c == '[' || c == ']')))
        .unwrap_or_default();
    let prefix = clean(head);
    Some(match (table.is_empty(), prefix.is_empty()) {
        (_, true) => table,
        (true, false) => prefix,
        (false, false) => format!("{table}.{prefix}"),
    })
}

/// For a syntax error (no tree to consult): the dotted key of the line at `offset`, taking
/// the table from the last `[header]` above it. Best effort; `None` when unclear.
fn line_key(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim_start();
    let is_key = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let header = |l: &str| {
        let l = l.trim();
        (l.starts_with('[') && !l.starts_with("[[")).then(|| {
            l.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_owned()
        })
    };
    if let Some(h) = header(line) {
        return Some(h).filter(|h| !h.is_empty() && h.chars().all(|c| is_key(c) || c == '.'));
    }
    let key: String = line.chars().take_while(|c| is_key(*c)).collect();
    if key.is_empty() || !line[key.len()..].trim_start().starts_with('=') {
        return None;
    }
    let table = text[..line_start].lines().rev().find_map(header);
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key,
    })
}

/// Every key of a (syntactically valid) TOML text with its dotted path and spans.
struct Tree {
    entries: Vec<Entry>,
}

struct Entry {
    /// `local.addresses[1]`.
    path: String,
    /// The table holding it (`local`; `""` for the top level).
    parent: String,
    /// The last key (`addresses`).
    key: String,
    key_span: Range<usize>,
    value_span: Range<usize>,
}

impl Tree {
    fn read(text: &str) -> Option<Tree> {
        let root: Node = toml::from_str(text).ok()?;
        let mut entries = Vec::new();
        flatten(&root, "", &mut entries);
        Some(Tree { entries })
    }
}

fn flatten(node: &Node, path: &str, out: &mut Vec<Entry>) {
    for (key, value) in &node.entries {
        let child = if path.is_empty() {
            key.get_ref().clone()
        } else {
            format!("{path}.{}", key.get_ref())
        };
        out.push(Entry {
            path: child.clone(),
            parent: path.to_owned(),
            key: key.get_ref().clone(),
            key_span: key.span(),
            value_span: value.span(),
        });
        flatten(value.get_ref(), &child, out);
        for (i, item) in value.get_ref().items.iter().enumerate() {
            let indexed = format!("{child}[{i}]");
            out.push(Entry {
                path: indexed.clone(),
                parent: path.to_owned(),
                key: key.get_ref().clone(),
                key_span: key.span(),
                value_span: item.span(),
            });
            flatten(item.get_ref(), &indexed, out);
        }
    }
}

/// Any TOML value, keeping the spans of keys and values.
#[derive(Default)]
struct Node {
    entries: Vec<(Spanned<String>, Spanned<Node>)>,
    items: Vec<Spanned<Node>>,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any TOML value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
        Ok(Node::default())
    }

    fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
        Ok(Node::default())
    }

    fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
        Ok(Node::default())
    }

    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node::default())
    }

    fn visit_str<E>(self, _: &str) -> Result<Node, E> {
        Ok(Node::default())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut node = Node::default();
        while let Some(item) = seq.next_element()? {
            node.items.push(item);
        }
        Ok(node)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut node = Node::default();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value()?;
            node.entries.push((key, value));
        }
        Ok(node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SCHEMA must list exactly the keys the serde structs accept, in their order: toml's
    /// own "expected one of" list for an unknown key in each table says what they are.
    #[test]
    fn schema_matches_the_parser() {
        for (table, keys) in SCHEMA {
            let text = if table.is_empty() {
                "zzz = 1\n".to_owned()
            } else {
                format!("[{table}]\nzzz = 1\n")
            };
            let err = crate::raw::parse(&text).expect_err("unknown key");
            let message = err.message();
            assert!(message.starts_with("unknown field `zzz`"), "{message}");
            let listed: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
            assert_eq!(&listed, keys, "[{table}]");
        }
    }

    #[test]
    fn suggests_close_spellings() {
        assert_eq!(closest("adresses", END_KEYS), Some("addresses"));
        assert_eq!(closest("public_key", END_KEYS), Some("public-key"));
        assert_eq!(closest("ttl", END_KEYS), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn finds_the_key_of_a_syntax_error() {
        let text = "name = \"a\"\n[local]\nendpoint = 1.2.3\n";
        assert_eq!(
            line_key(text, text.find("1.2").unwrap()).as_deref(),
            Some("local.endpoint")
        );
        assert_eq!(line_key(text, 3).as_deref(), Some("name"));
        assert_eq!(line_key("[local\n", 6).as_deref(), Some("local"));
        assert_eq!(line_key("# only a comment\n", 3).as_deref(), None);
    }

    #[test]
    fn finds_the_table_of_a_misplaced_key() {
        let header = "name = \"a\"\n[local.extra]\n";
        let at = header.find("extra").unwrap();
        assert_eq!(dotted_parent(header, at).as_deref(), Some("local"));
        let dotted = "[local]\nendpoint.x = 1\n";
        let at = dotted.find('x').unwrap();
        assert_eq!(dotted_parent(dotted, at).as_deref(), Some("local.endpoint"));
        assert_eq!(dotted_parent("ttl = 1\n", 0).as_deref(), Some(""));
    }
}
