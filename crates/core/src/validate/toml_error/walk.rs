//! Walks a parsed TOML document against the file's shape and collects every problem of
//! shape at once: unknown keys, values of the wrong type, missing required keys.
//!
//! serde stops at the first such problem, so the document is checked here first, with
//! the spans toml_edit keeps for every key and value; the raw structs are deserialized
//! only when the shape is right.

use std::ops::Range;

use toml_edit::{Array, Item, TableLike, Value};

use super::keys::{self, join};
use super::shape::{FileShape, ScalarType, Shape, Table};
use super::syntax::first_content_offset;
use super::types::{self, Found, Wrong};
use crate::diagnostic::Diagnostic;

/// Every problem of shape in `root`, the top-level table of `text`.
pub(crate) fn check(text: &str, root: &toml_edit::Table, file: &FileShape) -> Vec<Diagnostic> {
    let mut walk = Walk {
        text,
        file,
        out: Vec::new(),
    };
    let start = first_content_offset(text);
    walk.table(root, file.top(), "", start..start);
    walk.out
}

struct Walk<'a> {
    text: &'a str,
    file: &'a FileShape,
    out: Vec<Diagnostic>,
}

/// A value in the document, whether it sits in a table (an [`Item`]) or in an array (a
/// [`Value`]).
enum Node<'a> {
    Table(&'a dyn TableLike),
    Array(&'a Array),
    ArrayOfTables,
    Scalar(Found),
}

fn item_node(item: &Item) -> Option<Node<'_>> {
    match item {
        Item::None => None,
        Item::Value(v) => Some(value_node(v)),
        Item::Table(t) => Some(Node::Table(t)),
        Item::ArrayOfTables(_) => Some(Node::ArrayOfTables),
    }
}

fn value_node(value: &Value) -> Node<'_> {
    match value {
        Value::String(_) => Node::Scalar(Found::String),
        Value::Integer(_) => Node::Scalar(Found::Integer),
        Value::Float(_) => Node::Scalar(Found::Float),
        Value::Boolean(_) => Node::Scalar(Found::Boolean),
        Value::Datetime(_) => Node::Scalar(Found::DateTime),
        Value::Array(a) => Node::Array(a),
        Value::InlineTable(t) => Node::Table(t),
    }
}

impl Node<'_> {
    fn found(&self) -> Found {
        match self {
            Node::Table(_) => Found::Table,
            Node::Array(_) => Found::Array,
            Node::ArrayOfTables => Found::ArrayOfTables,
            Node::Scalar(found) => *found,
        }
    }

    /// Whether the node is of the TOML type `shape` asks for (not looking inside).
    fn fits(&self, shape: &Shape) -> bool {
        match (shape, self) {
            (Shape::Any, _)
            | (Shape::Table(_), Node::Table(_))
            | (Shape::Array(_), Node::Array(_)) => true,
            (Shape::Scalar(s), Node::Scalar(found)) => matches!(
                (s.ty, found),
                (ScalarType::String, Found::String)
                    | (ScalarType::Integer, Found::Integer)
                    | (ScalarType::Float, Found::Float | Found::Integer)
                    | (ScalarType::Boolean, Found::Boolean)
            ),
            (Shape::Either(all), node) => all.iter().any(|s| node.fits(s)),
            _ => false,
        }
    }
}

impl Walk<'_> {
    /// Checks the keys of a table at the dotted `path`; `at` locates the table itself (its
    /// header), for keys it lacks.
    fn table(&mut self, table: &dyn TableLike, shape: &Table, path: &str, at: Range<usize>) {
        for (key, item) in table.iter() {
            let key_span = table
                .get_key_value(key)
                .and_then(|(k, _)| k.span())
                .unwrap_or_else(|| at.clone());
            match shape.field(key) {
                None => self
                    .out
                    .push(keys::unknown(self.file, shape, path, key, key_span)),
                Some(field) => {
                    // A table without a header of its own (`[a.b]` makes `a` implicitly,
                    // dotted keys) has no span: its key locates it.
                    let span = item.span().unwrap_or(key_span);
                    if let Some(node) = item_node(item) {
                        self.node(&node, &field.shape, &join(path, key), key, span);
                    }
                }
            }
        }
        for field in shape.required() {
            if !table.contains_key(&field.key) {
                self.out.push(keys::missing(path, field, at.clone()));
            }
        }
    }

    /// Checks one value against `shape`; `field` is its dotted path, `key` the key it
    /// belongs to, `span` where it is written.
    fn node(&mut self, node: &Node<'_>, shape: &Shape, field: &str, key: &str, span: Range<usize>) {
        let shape = match shape {
            Shape::Either(all) => all.iter().find(|s| node.fits(s)).unwrap_or(shape),
            other => other,
        };
        match (shape, node) {
            (Shape::Any, _) => {}
            (Shape::Table(t), Node::Table(inner)) => self.table(*inner, t, field, span),
            (Shape::Array(items), Node::Array(array)) => {
                for (i, value) in array.iter().enumerate() {
                    let span = value.span().unwrap_or_else(|| span.clone());
                    let path = format!("{field}[{i}]");
                    self.node(&value_node(value), items, &path, key, span);
                }
            }
            (Shape::Scalar(_) | Shape::Array(_), Node::Table(inner)) if !inner.is_empty() => {
                // `endpoint.x = 1`: the key below is what cannot be there.
                if let Some((first, _)) = inner.iter().next() {
                    let at = inner
                        .get_key_value(first)
                        .and_then(|(k, _)| k.span())
                        .unwrap_or(span);
                    self.out.push(types::not_a_table(field, first, at));
                }
            }
            _ if node.fits(shape) => {}
            _ => {
                let written = self.text.get(span.clone()).unwrap_or_default();
                self.out.push(types::wrong_type(
                    &Wrong {
                        field,
                        key,
                        written,
                        expected: shape,
                        found: node.found(),
                        span,
                    },
                    self.file.docs,
                ));
            }
        }
    }
}
