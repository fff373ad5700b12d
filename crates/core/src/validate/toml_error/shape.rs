//! The shape of a file (its tables, keys and TOML types), read off the JSON Schema that
//! the raw serde structs derive.
//!
//! The parser and `peergen schema` use those same structs, so the tables here can never
//! list a key the parser refuses or miss one it accepts: a key added to [`crate::raw`] or
//! [`crate::site`] is known to the messages at once. Only TOML types are kept; ranges,
//! patterns and word lists are checked (with better messages) by validation.

use std::sync::OnceLock;

use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value};

use super::unsupported::{Unsupported, PEER_UNSUPPORTED};
use crate::raw::RawPeer;
use crate::site::RawSite;

/// What a key's value must be.
#[derive(Debug)]
pub(crate) enum Shape {
    /// A table with these keys.
    Table(Table),
    /// An array of items of one shape.
    Array(Box<Shape>),
    /// A single value.
    Scalar(Scalar),
    /// Any of these (e.g. `encap-limit`: a number or a word).
    Either(Vec<Shape>),
    /// Whatever the schema does not constrain.
    Any,
}

/// A TOML scalar type, with how the schema narrows it (for messages only).
#[derive(Debug)]
pub(crate) struct Scalar {
    pub ty: ScalarType,
    /// `an integer from 0 to 255`, `"none"`: said when one of several shapes is expected.
    pub detail: String,
}

/// The TOML scalar types a schema can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScalarType {
    String,
    Integer,
    Float,
    Boolean,
}

/// A table's keys (sorted by name, as the schema lists them).
#[derive(Debug, Default)]
pub(crate) struct Table {
    pub fields: Vec<Field>,
    /// The required keys in the order the struct declares them (`name` before `kind`).
    pub required: Vec<String>,
}

/// One key of a table.
#[derive(Debug)]
pub(crate) struct Field {
    pub key: String,
    pub shape: Shape,
    /// The key's documentation (the struct field's doc comment).
    pub description: String,
}

impl Table {
    /// The field named `key`.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The required fields, in declaration order.
    pub fn required(&self) -> impl Iterator<Item = &Field> {
        self.required.iter().filter_map(|key| self.field(key))
    }

    /// The key names.
    pub fn keys(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.key.as_str()).collect()
    }
}

impl Shape {
    /// The table this shape is, or may be.
    pub fn as_table(&self) -> Option<&Table> {
        match self {
            Self::Table(t) => Some(t),
            Self::Either(all) => all.iter().find_map(Shape::as_table),
            _ => None,
        }
    }

    /// The expected value in words: `a string`, `an array`, `an integer from 0 to 255 or
    /// "none"`.
    pub fn expected(&self) -> String {
        match self {
            Self::Table(_) => "a table".to_owned(),
            Self::Array(_) => "an array".to_owned(),
            Self::Scalar(s) => s.ty.words().to_owned(),
            Self::Either(all) => all
                .iter()
                .map(|s| match s {
                    Self::Scalar(s) => s.detail.clone(),
                    other => other.expected(),
                })
                .collect::<Vec<_>>()
                .join(" or "),
            Self::Any => "a value".to_owned(),
        }
    }
}

impl ScalarType {
    /// `a string`, `an integer`, …
    pub fn words(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::Integer => "an integer",
            Self::Float => "a float",
            Self::Boolean => "a boolean",
        }
    }
}

/// A kind of file peergen reads: its shape and where it is documented.
#[derive(Debug)]
pub(crate) struct FileShape {
    /// Every table by dotted path (`""` first, then `local`, `render`, …).
    pub tables: Vec<(String, &'static Table)>,
    /// Where every key is documented.
    pub docs: &'static str,
    /// Keys peergen knows but does not support, with what to do instead.
    pub unsupported: &'static [Unsupported],
}

impl FileShape {
    /// A peer file.
    pub fn peer() -> &'static FileShape {
        static PEER: OnceLock<FileShape> = OnceLock::new();
        PEER.get_or_init(|| FileShape::of::<RawPeer>("docs/peer-file.md", PEER_UNSUPPORTED))
    }

    /// The site file, `peergen.toml`.
    pub fn site() -> &'static FileShape {
        static SITE: OnceLock<FileShape> = OnceLock::new();
        SITE.get_or_init(|| FileShape::of::<RawSite>("docs/config-repo.md", &[]))
    }

    fn of<T: JsonSchema>(docs: &'static str, unsupported: &'static [Unsupported]) -> Self {
        let schema = SchemaGenerator::default().into_root_schema_for::<T>();
        let value = schema.as_value();
        let empty = Map::new();
        let defs = value
            .get("$defs")
            .or_else(|| value.get("definitions"))
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let root = match read(value, defs) {
            Shape::Table(t) => t,
            _ => Table::default(),
        };
        // Built once per kind of file and kept for the program's life (see `peer`, `site`),
        // so the list of nested tables can point into the tree.
        let root: &'static Table = Box::leak(Box::new(root));
        let mut tables = vec![(String::new(), root)];
        collect(root, "", &mut tables);
        Self {
            tables,
            docs,
            unsupported,
        }
    }

    /// The table at the dotted `path` (`""` is the top level).
    #[cfg(test)]
    pub fn table(&self, path: &str) -> Option<&Table> {
        self.tables.iter().find(|(p, _)| p == path).map(|(_, t)| *t)
    }

    /// The top-level table.
    pub fn top(&self) -> &Table {
        self.tables[0].1
    }
}

fn collect(table: &'static Table, path: &str, out: &mut Vec<(String, &'static Table)>) {
    for field in &table.fields {
        if let Some(t) = field.shape.as_table() {
            let child = if path.is_empty() {
                field.key.clone()
            } else {
                format!("{path}.{}", field.key)
            };
            out.push((child.clone(), t));
            collect(t, &child, out);
        }
    }
}

/// Reads one JSON Schema (as schemars writes it) into a shape.
fn read(schema: &Value, defs: &Map<String, Value>) -> Shape {
    if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
        let name = name.rsplit('/').next().unwrap_or(name);
        return defs.get(name).map_or(Shape::Any, |def| read(def, defs));
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        if let Some(all) = schema.get(combinator).and_then(Value::as_array) {
            let mut shapes: Vec<Shape> = all
                .iter()
                .filter(|s| !is_null(s))
                .map(|s| read(s, defs))
                .collect();
            return if shapes.len() == 1 {
                shapes.remove(0)
            } else {
                Shape::Either(shapes)
            };
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(all)) => all.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut shapes: Vec<Shape> = types
        .into_iter()
        .filter(|t| *t != "null")
        .map(|t| of_type(t, schema, defs))
        .collect();
    match shapes.len() {
        0 => Shape::Any,
        1 => shapes.remove(0),
        _ => Shape::Either(shapes),
    }
}

fn is_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

fn of_type(ty: &str, schema: &Value, defs: &Map<String, Value>) -> Shape {
    let scalar = |ty: ScalarType| {
        let detail = match (schema.get("minimum"), schema.get("maximum")) {
            (Some(min), Some(max)) => format!("{} from {min} to {max}", ty.words()),
            _ => ty.words().to_owned(),
        };
        let detail = match schema.get("enum").and_then(Value::as_array) {
            Some(words) => words
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(" or "),
            None => detail,
        };
        Shape::Scalar(Scalar { ty, detail })
    };
    match ty {
        "object" => Shape::Table(table(schema, defs)),
        "array" => Shape::Array(Box::new(
            schema
                .get("items")
                .map_or(Shape::Any, |items| read(items, defs)),
        )),
        "string" => scalar(ScalarType::String),
        "integer" => scalar(ScalarType::Integer),
        "number" => scalar(ScalarType::Float),
        "boolean" => scalar(ScalarType::Boolean),
        _ => Shape::Any,
    }
}

fn table(schema: &Value, defs: &Map<String, Value>) -> Table {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let fields = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(key, prop)| Field {
                    key: key.clone(),
                    shape: read(prop, defs),
                    description: prop
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    Table {
        fields,
        required: required.into_iter().map(str::to_owned).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peer_file_shape_comes_from_the_raw_structs() {
        let peer = FileShape::peer();
        let top = peer.top().keys();
        for key in ["name", "kind", "local", "remote", "wireguard", "vxlan"] {
            assert!(top.contains(&key), "{key} in {top:?}");
        }
        let local = peer.table("local").expect("[local]");
        assert!(local.field("public-key").is_some());
        assert!(matches!(
            local.field("addresses").map(|f| &f.shape),
            Some(Shape::Array(_))
        ));
        let vxlan = peer.table("vxlan").expect("[vxlan]");
        let required: Vec<&str> = vxlan.required().map(|f| f.key.as_str()).collect();
        assert_eq!(required, ["vni"]);
        let top: Vec<&str> = peer.top().required().map(|f| f.key.as_str()).collect();
        assert_eq!(top, ["name", "kind", "local", "remote"]);
        let limit = peer.table("ip6gre").and_then(|t| t.field("encap-limit"));
        assert_eq!(
            limit.map(|f| f.shape.expected()).as_deref(),
            Some("an integer from 0 to 255 or \"none\"")
        );
    }

    /// Every table's keys are exactly what serde accepts there: its own "expected one of"
    /// list for an unknown key says what that is.
    fn agrees_with_serde<T: serde::de::DeserializeOwned + std::fmt::Debug>(file: &FileShape) {
        for (path, table) in &file.tables {
            let text = if path.is_empty() {
                "zzz = 1\n".to_owned()
            } else {
                format!("[{path}]\nzzz = 1\n")
            };
            let err = toml::from_str::<T>(&text).expect_err("unknown key");
            let message = err.message();
            assert!(message.starts_with("unknown field `zzz`"), "{message}");
            let mut accepted: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
            accepted.sort_unstable();
            assert_eq!(accepted, table.keys(), "[{path}]");
        }
    }

    #[test]
    fn shapes_agree_with_the_parser() {
        agrees_with_serde::<RawPeer>(FileShape::peer());
        agrees_with_serde::<RawSite>(FileShape::site());
    }

    #[test]
    fn the_site_file_has_its_own_shape() {
        let site = FileShape::site();
        let render = site.table("render").expect("[render]").keys();
        assert!(render.contains(&"backends"), "{render:?}");
        assert!(site.table("wireguard").is_none());
    }
}
