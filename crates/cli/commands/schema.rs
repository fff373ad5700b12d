//! `peergen schema`: the JSON Schema of the peer file or the site file, for editors.
//!
//! The schema is derived from the serde structs the parser itself uses
//! (`peergen_core::raw`, `peergen_core::site`), so it cannot drift from what peergen
//! accepts. Draft 7 is what TOML language servers (taplo, Even Better TOML) read best.

use peergen_core::raw::RawPeer;
use peergen_core::site::RawSite;
use peergen_core::Backend;
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::Schema;
use serde_json::Value;

use crate::args::SchemaKind;
use crate::exit::Exit;

/// Prints the schema, pretty-printed, with a trailing newline.
pub fn run(file: SchemaKind) -> Exit {
    crate::out!("{}", schema_text(file));
    Exit::Ok
}

/// The schema as JSON text.
pub fn schema_text(file: SchemaKind) -> String {
    let mut settings = SchemaSettings::draft07();
    // First, so that the draft-7 transforms see the result (no `$ref` with siblings).
    settings
        .transforms
        .insert(0, Box::new(RecursiveTransform(for_toml_editors)));
    let generator = settings.into_generator();
    let mut schema = match file {
        SchemaKind::Peer => generator.into_root_schema_for::<RawPeer>(),
        SchemaKind::Site => generator.into_root_schema_for::<RawSite>(),
    };
    let title = match file {
        SchemaKind::Peer => "peergen peer file",
        SchemaKind::Site => "peergen site file (peergen.toml)",
    };
    schema.insert("title".to_owned(), title.into());
    if file == SchemaKind::Site {
        list_backends(&mut schema);
    }
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Adapts schemars' output to what a TOML editor shows and checks:
///
/// - TOML has no null: an optional key is simply left out, so the `null` that schemars
///   adds for `Option` would only offer editors a value that cannot be written.
/// - `format: int64` describes the Rust type, not the file; the range says more.
/// - Doc comments are wrapped at 100 columns; hover text reads better unwrapped, with
///   blank lines kept as paragraph breaks.
fn for_toml_editors(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if obj
        .get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| f.starts_with("int") || f.starts_with("uint"))
    {
        obj.remove("format");
    }
    if let Some(Value::String(text)) = obj.get_mut("description") {
        *text = unwrap_lines(text);
    }
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            obj.insert("type".to_owned(), only);
        }
    }
    let is_null = |v: &Value| v.get("type").is_some_and(|t| t == "null");
    if let Some(Value::Array(any_of)) = obj.get_mut("anyOf") {
        if any_of.iter().any(is_null) {
            any_of.retain(|v| !is_null(v));
            if let [Value::Object(only)] = any_of.as_slice() {
                let only = only.clone();
                obj.remove("anyOf");
                for (key, value) in only {
                    obj.entry(key).or_insert(value);
                }
            }
        }
    }
}

/// Joins the lines of each paragraph with spaces.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The raw site file reads `[render] backends` as strings (so that a wrong name gets a
/// diagnostic with its location, not a serde error); the schema lists the names
/// [`Backend`] knows, so editors can complete them.
fn list_backends(schema: &mut Schema) {
    let names = Backend::names();
    let items = schema
        .as_object_mut()
        .and_then(|o| o.get_mut("definitions"))
        .and_then(|d| d.get_mut("SiteRender"))
        .and_then(|r| r.get_mut("properties"))
        .and_then(|p| p.get_mut("backends"))
        .and_then(Value::as_object_mut);
    if let Some(backends) = items {
        backends.insert(
            "items".to_owned(),
            serde_json::json!({ "type": "string", "enum": names }),
        );
    }
}
