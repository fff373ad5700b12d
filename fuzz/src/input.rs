//! From fuzz bytes to a peer file, in one of two modes chosen by the first byte:
//!
//! - raw (first byte a multiple of 4): the rest, as UTF-8 (lossy), is the peer file's text,
//!   which exercises the TOML parser and every diagnostic;
//! - structured (otherwise): the second byte picks a valid fixture from `fixtures/valid/`,
//!   and the rest, split at `0xFF` bytes, is a list of edits `[op, field, payload…]` to it.
//!   The edited table is written back with the `toml` crate, which escapes strings as TOML
//!   needs, so any Unicode text (U+2028, `\`, `#`, quotes, line breaks) reaches the field
//!   as the value of a well-formed file and so reaches validation and the templates.
//!
//! Raw bytes alone seldom make a valid peer file; most structured inputs do.

use std::sync::OnceLock;

use toml::{Table, Value};

/// Every key a peer file may have; `@kind` stands for the options table of the fixture's
/// kind (`[gre]`, `[vxlan]`, …).
const FIELDS: &[&str] = &[
    "name",
    "kind",
    "description",
    "mtu",
    "underlay-mtu",
    "local.endpoint",
    "local.addresses",
    "local.port",
    "local.public-key",
    "local.private-key-file",
    "local.private-key",
    "local.allowed-ips",
    "remote.endpoint",
    "remote.addresses",
    "remote.port",
    "remote.public-key",
    "remote.private-key-file",
    "remote.private-key",
    "remote.allowed-ips",
    "@kind.persistent-keepalive",
    "@kind.allowed-ips",
    "@kind.preshared-key-file",
    "@kind.key",
    "@kind.ttl",
    "@kind.encap-limit",
    "@kind.vni",
    "@kind.port",
    "local.routes",
    "remote.routes",
    "local.bridge",
    "remote.bridge",
    "local.asn",
    "remote.asn",
    "local.announce",
    "remote.announce",
    "local.max-prefix-ipv4",
    "remote.passive",
    "bgp.families",
    "bgp.sessions",
    "bgp.password",
    "bgp.hold-time",
    "bgp.extended-next-hop",
];

/// The valid fixtures, parsed once, in file name order.
fn fixtures() -> &'static [Table] {
    static FIXTURES: OnceLock<Vec<Table>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/valid");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|err| panic!("{dir}: {err}"))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p)
                    .unwrap_or_else(|err| panic!("{}: {err}", p.display()));
                text.parse::<Table>()
                    .unwrap_or_else(|err| panic!("{}: {err}", p.display()))
            })
            .collect()
    })
}

/// The peer file that `data` stands for.
pub fn peer_file(data: &[u8]) -> String {
    let Some((&mode, rest)) = data.split_first() else {
        return String::new();
    };
    if mode % 4 == 0 {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let fixtures = fixtures();
    let Some((&pick, edits)) = rest.split_first() else {
        return String::new();
    };
    let mut table = fixtures[usize::from(pick) % fixtures.len()].clone();
    if !edits.is_empty() {
        for edit in edits.split(|&b| b == 0xFF) {
            apply(&mut table, edit);
        }
    }
    toml::to_string(&table).unwrap_or_default()
}

fn text(payload: &[u8]) -> String {
    String::from_utf8_lossy(payload).into_owned()
}

/// Small payloads give small numbers, so ranges' edges are near.
fn integer(payload: &[u8]) -> i64 {
    let mut bytes = [0u8; 8];
    let n = payload.len().min(8);
    bytes[..n].copy_from_slice(&payload[..n]);
    let wide = i64::from_le_bytes(bytes);
    match payload.len() {
        0 => 0,
        1 => i64::from(payload[0]),
        2 => i64::from(u16::from_le_bytes([payload[0], payload[1]])),
        3 | 4 => i64::from(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])),
        _ => wide,
    }
}

fn apply(table: &mut Table, edit: &[u8]) {
    let [op, field, payload @ ..] = edit else {
        return;
    };
    let kind = table
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("wireguard")
        .to_owned();
    let path = FIELDS[usize::from(*field) % FIELDS.len()].replace("@kind", &kind);
    let (parents, key) = match path.rsplit_once('.') {
        Some((parent, key)) => (Some(parent.to_owned()), key.to_owned()),
        None => (None, path.clone()),
    };
    let mut target = table;
    if let Some(parent) = parents {
        let slot = target
            .entry(parent)
            .or_insert_with(|| Value::Table(Table::new()));
        if !slot.is_table() {
            *slot = Value::Table(Table::new());
        }
        let Value::Table(inner) = slot else {
            return;
        };
        target = inner;
    }
    match op % 5 {
        0 => {
            target.insert(key, Value::String(text(payload)));
        }
        1 => {
            target.insert(key, Value::Integer(integer(payload)));
        }
        2 => {
            let items = payload
                .split(|&b| b == 0xFE)
                .map(|p| Value::String(text(p)))
                .collect();
            target.insert(key, Value::Array(items));
        }
        3 => match target.get_mut(&key) {
            Some(Value::String(s)) => s.push_str(&text(payload)),
            Some(Value::Array(items)) => items.push(Value::String(text(payload))),
            _ => {
                target.insert(key, Value::String(text(payload)));
            }
        },
        _ => {
            target.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_structured_input_without_edits_is_the_fixture() {
        let text = peer_file(&[1, 0]);
        assert!(text.contains("kind ="), "{text}");
    }

    #[test]
    fn any_text_reaches_the_field_escaped() {
        let mut data = vec![1, 0, 3, 2];
        data.extend_from_slice("x\u{2028}\\\"#\n".as_bytes());
        let text = peer_file(&data);
        let table: Table = text.parse().unwrap_or_default();
        let description = table.get("description").and_then(Value::as_str);
        assert!(
            description.is_some_and(|d| d.ends_with("x\u{2028}\\\"#\n")),
            "{text}"
        );
    }
}
