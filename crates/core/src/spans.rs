//! Where a valid peer's fields are in its file, for checks that span several peer files.

use std::ops::Range;

use crate::raw::{RawPeer, RawRoute, RawRouteTable};

/// Byte spans of the fields cross-peer checks report on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerSpans {
    /// `name`.
    pub name: Range<usize>,
    /// `local.port`, or the `[local]` table when absent.
    pub local_port: Range<usize>,
    /// `remote.endpoint`, or the `[remote]` table when absent.
    pub remote_endpoint: Range<usize>,
    /// Each item of `local.addresses`, in order.
    pub local_addresses: Vec<Range<usize>>,
    /// The destination of each item of `local.routes`, in order.
    pub local_routes: Vec<Range<usize>>,
}

impl PeerSpans {
    /// Reads the spans from the raw peer.
    pub fn of(raw: &RawPeer) -> Self {
        let local = raw.local.get_ref();
        let remote = raw.remote.get_ref();
        Self {
            name: raw.name.span(),
            local_port: local.port.as_ref().map_or(raw.local.span(), |p| p.span()),
            remote_endpoint: remote
                .endpoint
                .as_ref()
                .map_or(raw.remote.span(), |e| e.span()),
            local_addresses: local
                .addresses
                .as_ref()
                .map(|a| a.get_ref().iter().map(|t| t.span()).collect())
                .unwrap_or_default(),
            local_routes: local
                .routes
                .as_ref()
                .map(|r| {
                    r.get_ref()
                        .iter()
                        .map(|item| match item.get_ref() {
                            RawRoute::Table(RawRouteTable { to, .. }) => to.span(),
                            _ => item.span(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Where a key of a peer file is, or the table it would go in when the file leaves it
/// out (a default): `peergen status` points every finding at the line that decides the
/// expected value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Byte span of the key (or array item), else of the nearest enclosing table header
    /// present in the file, else empty at the start of the file.
    pub span: Range<usize>,
    /// Whether the file sets the key itself (`false`: the value is a default).
    pub set: bool,
}

/// Finds keys of one peer file by their dotted path (`["local", "mtu"]`,
/// `["local", "addresses", "1"]` for an array item). Parses the text once.
pub struct KeyLocator {
    doc: Option<toml_edit::Document<String>>,
}

impl KeyLocator {
    /// Parses `text`; a text that does not parse locates everything at its start.
    pub fn new(text: &str) -> Self {
        Self {
            doc: toml_edit::Document::parse(text.to_owned()).ok(),
        }
    }

    /// The location of `path`.
    pub fn locate(&self, path: &[&str]) -> Located {
        let mut found = Located {
            span: 0..0,
            set: false,
        };
        let Some(doc) = &self.doc else {
            return found;
        };
        let mut table: &dyn toml_edit::TableLike = doc.as_table();
        let mut rest = path;
        while let Some((&first, tail)) = rest.split_first() {
            let Some((key, item)) = table.get_key_value(first) else {
                return found;
            };
            let span = match item {
                // A table's span is its header and body; keep the header line.
                toml_edit::Item::Table(t) if !tail.is_empty() => t
                    .span()
                    .map(|s| {
                        let line = doc.raw()[s.clone()].find('\n').unwrap_or(s.len());
                        s.start..s.start + line
                    })
                    .or_else(|| key.span()),
                _ => key.span(),
            };
            if let Some(span) = span {
                found.span = span;
            }
            if tail.is_empty() {
                found.set = true;
                return found;
            }
            match item {
                toml_edit::Item::Table(t) => table = t,
                toml_edit::Item::Value(toml_edit::Value::InlineTable(t)) => table = t,
                toml_edit::Item::Value(toml_edit::Value::Array(items)) => {
                    let index = tail[0].parse::<usize>().ok();
                    if let Some(span) = index.and_then(|i| items.get(i)).and_then(|v| v.span()) {
                        found.span = span;
                        found.set = tail.len() == 1;
                    }
                    return found;
                }
                _ => return found,
            }
            rest = tail;
        }
        found
    }
}

#[cfg(test)]
mod locator_tests {
    use super::*;

    #[test]
    fn keys_items_and_defaults_are_located() {
        let text = "name = \"x\"\n[local]\naddresses = [\"a\", \"b\"]\n[vxlan]\nvni = 7\n";
        let l = KeyLocator::new(text);
        let at = |path: &[&str]| {
            let found = l.locate(path);
            (&text[found.span], found.set)
        };
        assert_eq!(at(&["vxlan", "vni"]), ("vni", true));
        assert_eq!(at(&["local", "addresses", "1"]), ("\"b\"", true));
        // Not in the file: the table it would be in.
        assert_eq!(at(&["vxlan", "ttl"]), ("[vxlan]", false));
        assert_eq!(at(&["local", "mtu"]), ("[local]", false));
        assert_eq!(at(&["gre", "ttl"]), ("", false));
        assert_eq!(KeyLocator::new("[").locate(&["name"]).span, 0..0);
    }
}
