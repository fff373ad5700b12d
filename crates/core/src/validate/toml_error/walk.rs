//! Walks a parsed TOML document against the file's shape and collects every problem of
//! shape at once: unknown keys, values of the wrong type, missing required keys.
//!
//! serde stops at the first such problem, so the document is checked here first, with
//! the spans the parser keeps for every key and value; the raw structs are deserialized
//! only when the shape is right.

use std::ops::Range;

use toml::de::{DeArray, DeTable, DeValue};
use toml::Spanned;

use super::keys;
use super::shape::{FileShape, ScalarType, Shape, Table};
use super::syntax::first_content_offset;
use super::types::{self, Found, Wrong};
use crate::diagnostic::Diagnostic;

/// Every problem of shape in `root`, the top-level table of `text`.
pub(crate) fn check(text: &str, root: &DeTable<'_>, file: &FileShape) -> Vec<Diagnostic> {
    let mut walk = Walk {
        text,
        file,
        out: Vec::new(),
    };
    let start = first_content_offset(text);
    walk.table(root, file.top(), &mut String::new(), start..start);
    walk.out
}

struct Walk<'a> {
    text: &'a str,
    file: &'a FileShape,
    out: Vec<Diagnostic>,
}

/// A value in the document, as far as its shape goes.
enum Node<'a, 'i> {
    Table(&'a DeTable<'i>),
    Array(&'a DeArray<'i>),
    ArrayOfTables,
    Scalar(Found),
}

/// The node of `value`, written under a key at `key_span` (`None` for an array item).
/// An array of tables (`[[x]]`) is spanned by its first header, which holds its key;
/// any other value comes after its key.
fn node<'a, 'i>(value: &'a Spanned<DeValue<'i>>, key_span: Option<&Range<usize>>) -> Node<'a, 'i> {
    match value.get_ref() {
        DeValue::String(_) => Node::Scalar(Found::String),
        DeValue::Integer(_) => Node::Scalar(Found::Integer),
        DeValue::Float(_) => Node::Scalar(Found::Float),
        DeValue::Boolean(_) => Node::Scalar(Found::Boolean),
        DeValue::Datetime(_) => Node::Scalar(Found::DateTime),
        DeValue::Array(_) if key_span.is_some_and(|k| value.span().start <= k.start) => {
            Node::ArrayOfTables
        }
        DeValue::Array(a) => Node::Array(a),
        DeValue::Table(t) => Node::Table(t),
    }
}

impl Node<'_, '_> {
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
    /// header), for keys it lacks. Each key's path is `path` extended in place and cut
    /// back after: a valid file is walked without building a string per key.
    fn table(&mut self, table: &DeTable<'_>, shape: &Table, path: &mut String, at: Range<usize>) {
        // The document keeps keys sorted; the diagnostics are put in file order after.
        for (key, value) in table {
            let key_span = key.span();
            let key = key.get_ref().as_ref();
            match shape.field(key) {
                None => self
                    .out
                    .push(keys::unknown(self.file, shape, path, key, key_span)),
                Some(field) => {
                    let node = node(value, Some(&key_span));
                    // A table made by a longer header or dotted keys (`[a.b]` makes `a`)
                    // is located by its key.
                    let span = match node {
                        Node::Table(_) if value.span().is_empty() => key_span,
                        _ => value.span(),
                    };
                    let len = path.len();
                    if len > 0 {
                        path.push('.');
                    }
                    path.push_str(key);
                    self.node(&node, &field.shape, path, key, span);
                    path.truncate(len);
                }
            }
        }
        for field in shape.required() {
            if !table.contains_key(field.key.as_str()) {
                self.out.push(keys::missing(path, field, at.clone()));
            }
        }
    }

    /// Checks one value against `shape`; `field` is its dotted path, `key` the key it
    /// belongs to, `span` where it is written.
    fn node(
        &mut self,
        node: &Node<'_, '_>,
        shape: &Shape,
        field: &mut String,
        key: &str,
        span: Range<usize>,
    ) {
        let shape = match shape {
            Shape::Either(all) => all.iter().find(|s| node.fits(s)).unwrap_or(shape),
            other => other,
        };
        match (shape, node) {
            (Shape::Any, _) => {}
            (Shape::Table(t), Node::Table(inner)) => self.table(inner, t, field, span),
            (Shape::Array(items), Node::Array(array)) => {
                use std::fmt::Write as _;
                let len = field.len();
                for (i, value) in array.iter().enumerate() {
                    let _ = write!(field, "[{i}]");
                    self.node(&self::node(value, None), items, field, key, value.span());
                    field.truncate(len);
                }
            }
            (Shape::Scalar(_) | Shape::Array(_), Node::Table(inner)) if !inner.is_empty() => {
                // `endpoint.x = 1`: the key below is what cannot be there.
                if let Some((first, _)) = inner.iter().min_by_key(|(k, _)| k.span().start) {
                    self.out
                        .push(types::not_a_table(field, first.get_ref(), first.span()));
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
