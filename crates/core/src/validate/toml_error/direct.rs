//! Peer and site files deserialized straight from the TOML parser's events.
//!
//! toml's own deserializer first builds a document (B-tree maps of spanned keys and
//! values) and then deserializes from it; for a peer file that is three quarters of the
//! time parsing takes. The files peergen reads are nearly always top-level keys and
//! `[tables]` of keys whose values are strings, integers, booleans, arrays and inline
//! tables: those deserialize here as the parser laid them out. Anything else gives `None`
//! and goes through toml's deserializer, which also reports every problem: a syntax
//! error, a dotted key, a `[table.header]` of more than one key or an `[[array of
//! tables]]`, a float or a date, a key given twice, or a value serde refuses.
//!
//! What this takes deserializes exactly as through toml, with the same values and spans:
//! each value is handed to serde as toml's deserializer hands it (the same visitor calls,
//! a `Spanned` with the same span), only the order of a table's keys differs (file order
//! rather than sorted), which no struct sees. `agrees_with_toml` compares the two, over
//! every fixture in the tests and over every input of the fuzz target.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde_spanned::de::SpannedDeserializer;
use toml_parser::decoder::ScalarKind;
use toml_parser::parser::{Event, EventKind, RecursionGuard, ValidateWhitespace};
use toml_parser::{ParseError, Source};

/// How deep arrays and inline tables may nest: toml's own limit.
const DEPTH: u32 = 80;

/// `text` deserialized into `T` when it is of the shape this module takes and serde
/// accepts it; `None` otherwise (see the module documentation).
pub(crate) fn deserialize<T: DeserializeOwned>(text: &str) -> Option<T> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut events = Vec::with_capacity(tokens.len());
    let mut error: Option<ParseError> = None;
    {
        let mut whitespace = ValidateWhitespace::new(&mut events, source);
        let mut guard = RecursionGuard::new(&mut whitespace, DEPTH);
        toml_parser::parser::parse_document(&tokens, &mut guard, &mut error);
    }
    if error.is_some() {
        return None;
    }
    events.retain(|e| {
        !matches!(
            e.kind(),
            EventKind::Whitespace | EventKind::Comment | EventKind::Newline
        )
    });
    let doc = Document::scan(source, events)?;
    T::deserialize(&doc).ok()
}

/// Why a file is left to toml's deserializer; never shown.
#[derive(Debug)]
pub(crate) struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to toml's deserializer")
    }
}

impl std::error::Error for Refused {}

impl de::Error for Refused {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Refused
    }
}

/// A key of a table and where its value is.
struct Entry<'t> {
    key: Cow<'t, str>,
    value: Place,
}

/// Where a value is.
#[derive(Clone)]
enum Place {
    /// A value (scalar, array or inline table) that starts at this event.
    Value(usize),
    /// A `[table]`: the span of its header, and its entries (indices into
    /// [`Document::entries`]).
    Table {
        span: Range<usize>,
        entries: Range<usize>,
    },
}

/// A file's events (without whitespace, comments and line ends) and its tables: the
/// top-level entries, then each `[table]` followed by its entries.
struct Document<'t> {
    source: Source<'t>,
    events: Vec<Event>,
    entries: Vec<Entry<'t>>,
    /// The top level: its keys and its `[tables]`, in file order.
    root: Vec<usize>,
}

impl<'t> Document<'t> {
    /// Finds the tables of a file of the shape this module takes, checking that no table
    /// (inline ones included) has a key twice; `None` for any other file.
    fn scan(source: Source<'t>, events: Vec<Event>) -> Option<Self> {
        let mut doc = Document {
            source,
            events,
            entries: Vec::with_capacity(32),
            root: Vec::with_capacity(16),
        };
        let mut table: Option<usize> = None;
        let mut i = 0;
        while i < doc.events.len() {
            match doc.events[i].kind() {
                EventKind::SimpleKey => {
                    let key = doc.key(i)?;
                    if doc.kind(i + 1)? != EventKind::KeyValSep {
                        return None;
                    }
                    let end = doc.skip(i + 2)?;
                    if table.is_none() {
                        doc.root.push(doc.entries.len());
                    }
                    doc.entries.push(Entry {
                        key,
                        value: Place::Value(i + 2),
                    });
                    i = end;
                }
                EventKind::StdTableOpen => {
                    doc.close(table)?;
                    if doc.kind(i + 1)? != EventKind::SimpleKey
                        || doc.kind(i + 2)? != EventKind::StdTableClose
                    {
                        return None;
                    }
                    let key = doc.key(i + 1)?;
                    let span = doc.events[i].span().start()..doc.events[i + 2].span().end();
                    let at = doc.entries.len();
                    doc.root.push(at);
                    doc.entries.push(Entry {
                        key,
                        value: Place::Table {
                            span,
                            entries: at + 1..at + 1,
                        },
                    });
                    table = Some(at);
                    i += 3;
                }
                _ => return None,
            }
        }
        doc.close(table)?;
        let root: Vec<&str> = doc.root.iter().map(|&e| &*doc.entries[e].key).collect();
        distinct(root).then_some(doc)
    }

    /// Ends the `[table]` at entry `table` (if any) after the entries so far; `None` if it
    /// has a key twice.
    fn close(&mut self, table: Option<usize>) -> Option<()> {
        let Some(at) = table else {
            return Some(());
        };
        let end = self.entries.len();
        let Place::Table { entries, .. } = &mut self.entries[at].value else {
            return None;
        };
        entries.end = end;
        let keys: Vec<&str> = self.entries[at + 1..end].iter().map(|e| &*e.key).collect();
        distinct(keys).then_some(())
    }

    fn kind(&self, i: usize) -> Option<EventKind> {
        self.events.get(i).map(Event::kind)
    }

    /// The key at event `i`, decoded.
    fn key(&self, i: usize) -> Option<Cow<'t, str>> {
        let raw = self.source.get(self.events.get(i)?)?;
        let mut key = Cow::Borrowed("");
        let mut error: Option<ParseError> = None;
        raw.decode_key(&mut key, &mut error);
        error.is_none().then_some(key)
    }

    /// The event after the value that starts at event `i`, checking the inline tables in
    /// it; `None` if it is not a value of the shape this module takes.
    fn skip(&self, i: usize) -> Option<usize> {
        match self.kind(i)? {
            EventKind::Scalar => Some(i + 1),
            EventKind::ArrayOpen => {
                let mut j = i + 1;
                loop {
                    if self.kind(j)? == EventKind::ArrayClose {
                        return Some(j + 1);
                    }
                    j = self.skip(j)?;
                    match self.kind(j)? {
                        EventKind::ValueSep => j += 1,
                        EventKind::ArrayClose => return Some(j + 1),
                        _ => return None,
                    }
                }
            }
            EventKind::InlineTableOpen => {
                let mut keys = Vec::new();
                let mut j = i + 1;
                loop {
                    match self.kind(j)? {
                        EventKind::InlineTableClose => {
                            return distinct(keys).then_some(j + 1);
                        }
                        EventKind::SimpleKey if self.kind(j + 1)? == EventKind::KeyValSep => {
                            keys.push(self.key(j)?);
                            j = self.skip(j + 2)?;
                        }
                        _ => return None,
                    }
                    match self.kind(j)? {
                        EventKind::ValueSep => j += 1,
                        EventKind::InlineTableClose => return distinct(keys).then_some(j + 1),
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    /// The span of the value that starts at event `i`, as toml gives it: the scalar, or
    /// from the opening bracket or brace to the closing one.
    fn span(&self, i: usize) -> Result<Range<usize>, Refused> {
        let start = self.events[i].span();
        match self.kind(i) {
            Some(EventKind::ArrayOpen | EventKind::InlineTableOpen) => {
                let end = self.skip(i).ok_or(Refused)?;
                Ok(start.start()..self.events[end - 1].span().end())
            }
            _ => Ok(start.start()..start.end()),
        }
    }
}

/// Whether no two keys are the same.
fn distinct<K: Ord>(mut keys: Vec<K>) -> bool {
    keys.sort_unstable();
    keys.windows(2).all(|w| w[0] != w[1])
}

impl<'de> de::Deserializer<'de> for &Document<'_> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        visitor.visit_map(Entries {
            doc: self,
            root: Some(&self.root),
            next: 0,
            end: self.root.len(),
            value: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        // toml gives the whole document an empty span; nothing peergen reads asks for it.
        if serde_spanned::de::is_spanned(name) {
            return Err(Refused);
        }
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool u8 u16 u32 u64 u128 i8 i16 i32 i64 i128 f32 f64 char str string seq bytes
        byte_buf map unit option newtype_struct ignored_any unit_struct tuple_struct tuple
        enum identifier
    }
}

/// The entries of a table, in file order: the top level's (`root`), or those of a
/// `[table]`, `next..end` of [`Document::entries`].
struct Entries<'d, 't> {
    doc: &'d Document<'t>,
    root: Option<&'d [usize]>,
    next: usize,
    end: usize,
    value: Option<Place>,
}

impl Entries<'_, '_> {
    fn next_entry(&mut self) -> Option<usize> {
        if self.next >= self.end {
            return None;
        }
        let at = match self.root {
            Some(root) => root[self.next],
            None => self.next,
        };
        self.next += 1;
        Some(at)
    }
}

impl<'de> de::MapAccess<'de> for Entries<'_, '_> {
    type Error = Refused;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Refused> {
        let Some(at) = self.next_entry() else {
            return Ok(None);
        };
        let entry = &self.doc.entries[at];
        self.value = Some(entry.value.clone());
        seed.deserialize(entry.key.clone().into_deserializer())
            .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Refused> {
        let place = self.value.take().ok_or(Refused)?;
        seed.deserialize(Value {
            doc: self.doc,
            place,
        })
    }
}

/// A value of the document, to deserialize.
struct Value<'d, 't> {
    doc: &'d Document<'t>,
    place: Place,
}

impl<'de> IntoDeserializer<'de, Refused> for Value<'_, '_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl Value<'_, '_> {
    fn span(&self) -> Result<Range<usize>, Refused> {
        match &self.place {
            Place::Value(i) => self.doc.span(*i),
            Place::Table { span, .. } => Ok(span.clone()),
        }
    }

    /// The scalar at event `i`, decoded, and its kind.
    fn scalar(&self, i: usize) -> Result<(Cow<'_, str>, ScalarKind), Refused> {
        let raw = self.doc.source.get(self.doc.events[i]).ok_or(Refused)?;
        let mut decoded = Cow::Borrowed("");
        let mut error: Option<ParseError> = None;
        let kind = raw.decode_scalar(&mut decoded, &mut error);
        match error {
            None => Ok((decoded, kind)),
            Some(_) => Err(Refused),
        }
    }
}

impl<'de> de::Deserializer<'de> for Value<'_, '_> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        let i = match self.place {
            Place::Value(i) => i,
            Place::Table { entries, .. } => {
                return visitor.visit_map(Entries {
                    doc: self.doc,
                    root: None,
                    next: entries.start,
                    end: entries.end,
                    value: None,
                });
            }
        };
        match self.doc.kind(i) {
            Some(EventKind::Scalar) => {}
            Some(EventKind::ArrayOpen) => {
                return visitor.visit_seq(Elements {
                    doc: self.doc,
                    next: i + 1,
                })
            }
            Some(EventKind::InlineTableOpen) => {
                return visitor.visit_map(Inline {
                    doc: self.doc,
                    next: i + 1,
                    value: None,
                })
            }
            _ => return Err(Refused),
        }
        // As toml's deserializer hands each kind of scalar to serde.
        match self.scalar(i)? {
            (Cow::Borrowed(s), ScalarKind::String) => visitor.visit_str(s),
            (Cow::Owned(s), ScalarKind::String) => visitor.visit_string(s),
            (_, ScalarKind::Boolean(b)) => visitor.visit_bool(b),
            (digits, ScalarKind::Integer(radix)) => {
                let radix = radix.value();
                if let Ok(v) = i64::from_str_radix(&digits, radix) {
                    visitor.visit_i64(v)
                } else if let Ok(v) = u64::from_str_radix(&digits, radix) {
                    visitor.visit_u64(v)
                } else if let Ok(v) = i128::from_str_radix(&digits, radix) {
                    visitor.visit_i128(v)
                } else if let Ok(v) = u128::from_str_radix(&digits, radix) {
                    visitor.visit_u128(v)
                } else {
                    Err(Refused)
                }
            }
            // Nothing peergen reads is a float or a date: toml's deserializer says so.
            (_, ScalarKind::Float | ScalarKind::DateTime) => Err(Refused),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refused> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        if serde_spanned::de::is_spanned(name) {
            let span = self.span()?;
            return visitor.visit_map(SpannedDeserializer::new(self, span));
        }
        // toml's dates are structs too, but a date never gets here (see `deserialize_any`).
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        // A variant named by a string, as toml reads it; tables as enums are left to toml.
        let Place::Value(i) = self.place else {
            return Err(Refused);
        };
        if self.doc.kind(i) != Some(EventKind::Scalar) {
            return Err(Refused);
        }
        match self.scalar(i)? {
            (name, ScalarKind::String) => visitor.visit_enum(name.into_deserializer()),
            _ => Err(Refused),
        }
    }

    serde::forward_to_deserialize_any! {
        bool u8 u16 u32 u64 u128 i8 i16 i32 i64 i128 f32 f64 char str string seq bytes
        byte_buf map unit ignored_any unit_struct tuple_struct tuple identifier
    }
}

/// The elements of an array, from event `next`.
struct Elements<'d, 't> {
    doc: &'d Document<'t>,
    next: usize,
}

impl<'de> de::SeqAccess<'de> for Elements<'_, '_> {
    type Error = Refused;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Refused> {
        if self.doc.kind(self.next) == Some(EventKind::ArrayClose) {
            return Ok(None);
        }
        let at = self.next;
        let end = self.doc.skip(at).ok_or(Refused)?;
        self.next = match self.doc.kind(end) {
            Some(EventKind::ValueSep) => end + 1,
            _ => end,
        };
        seed.deserialize(Value {
            doc: self.doc,
            place: Place::Value(at),
        })
        .map(Some)
    }
}

/// The entries of an inline table, from event `next`.
struct Inline<'d, 't> {
    doc: &'d Document<'t>,
    next: usize,
    value: Option<usize>,
}

impl<'de> de::MapAccess<'de> for Inline<'_, '_> {
    type Error = Refused;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Refused> {
        if self.doc.kind(self.next) != Some(EventKind::SimpleKey) {
            return Ok(None);
        }
        let key = self.doc.key(self.next).ok_or(Refused)?;
        let at = self.next + 2;
        let end = self.doc.skip(at).ok_or(Refused)?;
        self.next = match self.doc.kind(end) {
            Some(EventKind::ValueSep) => end + 1,
            _ => end,
        };
        self.value = Some(at);
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Refused> {
        let at = self.value.take().ok_or(Refused)?;
        seed.deserialize(Value {
            doc: self.doc,
            place: Place::Value(at),
        })
    }
}

/// Whether `text` deserializes into `T` here exactly as through toml's deserializer:
/// `Err` with both results when it does not. A file this module leaves to toml agrees.
#[doc(hidden)]
pub fn agrees_with_toml<T: DeserializeOwned + fmt::Debug>(text: &str) -> Result<(), String> {
    let Some(direct) = deserialize::<T>(text) else {
        return Ok(());
    };
    let through_toml = toml::de::DeTable::parse(text)
        .map_err(|e| e.to_string())
        .and_then(|doc| {
            T::deserialize(toml::de::Deserializer::from(doc)).map_err(|e| e.to_string())
        });
    match through_toml {
        Ok(value) if format!("{value:?}") == format!("{direct:?}") => Ok(()),
        other => Err(format!(
            "deserialized directly: {direct:?}\nthrough toml: {other:?}"
        )),
    }
}
