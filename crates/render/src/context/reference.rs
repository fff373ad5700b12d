//! The reference part of docs/templates.md, generated from the context structs.
//!
//! Every context derives `JsonSchema` in tests, so its fields, their types and their doc
//! comments come out of the compiler, not out of a hand-kept list. The test renders the
//! template list and one field table per struct and compares them with the text between
//! the markers in docs/templates.md: a field added, removed, retyped or redescribed without
//! the doc fails it. `PEERGEN_UPDATE_DOCS=1 cargo test -p peergen-render` rewrites that part
//! of the doc instead (review the diff like a snapshot).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use peergen_core::Backend;
use schemars::{schema_for, Schema};
use serde_json::Value;

use super::handoff::{HandoffContext, PeerFileContext};
use super::init::InitContext;
use crate::backends;
use crate::templates::{self, embedded};
use crate::TemplateId;

const BEGIN: &str = "<!-- BEGIN GENERATED: PEERGEN_UPDATE_DOCS=1 cargo test -p peergen-render rewrites this part -->";
const END: &str = "<!-- END GENERATED -->";

/// Each template with the schema of the context it is rendered with: each backend's, as
/// its module declares them, then `init`'s.
fn templates() -> Vec<(TemplateId, Schema)> {
    let mut all: Vec<(TemplateId, Schema)> = Backend::ALL
        .into_iter()
        .flat_map(backends::reference)
        .collect();
    all.push((templates::INIT_PEER, schema_for!(InitContext)));
    all.push((templates::HANDOFF_README, schema_for!(HandoffContext)));
    all.push((templates::HANDOFF_PEER, schema_for!(PeerFileContext)));
    all
}

/// The schema's title: the struct's name.
fn title(schema: &Value) -> &str {
    schema["title"].as_str().unwrap_or("?")
}

/// A type as the doc shows it: `string`, `integer (u16)`, `list of string`, a linked
/// struct name, each `or none` when optional.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("[{name}](#{})", name.to_lowercase());
    }
    if let Some(any) = schema["anyOf"].as_array() {
        let parts: Vec<String> = any
            .iter()
            .filter(|s| s["type"] != "null")
            .map(type_of)
            .collect();
        let optional = any.iter().any(|s| s["type"] == "null");
        return format!(
            "{}{}",
            parts.join(" or "),
            if optional { " or none" } else { "" }
        );
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let optional = types.contains(&"null");
    let base = match types.iter().find(|t| **t != "null") {
        Some(&"array") => format!("list of {}", type_of(&schema["items"])),
        Some(&"integer") => match schema["format"].as_str() {
            Some(f) => format!("integer ({})", f.replace("uint", "u").replace("int", "i")),
            None => "integer".to_owned(),
        },
        Some(t) => (*t).to_owned(),
        None => "any".to_owned(),
    };
    format!("{base}{}", if optional { " or none" } else { "" })
}

/// One line of a doc comment for a table cell.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// The field table of one struct.
fn table(out: &mut String, schema: &Value) {
    out.push_str("| field | type | meaning |\n|---|---|---|\n");
    if let Some(properties) = schema["properties"].as_object() {
        for (name, field) in properties {
            let _ = writeln!(
                out,
                "| `{name}` | {} | {} |",
                type_of(field),
                cell(field["description"].as_str().unwrap_or(""))
            );
        }
    }
}

/// The generated part of the doc.
fn generated() -> String {
    let mut out = String::new();
    out.push_str("| template | context | escaping |\n|---|---|---|\n");
    let mut contexts = BTreeMap::new();
    let mut nested = BTreeMap::new();
    for (template, schema) in templates() {
        let value = schema.as_value();
        let name = title(value).to_owned();
        let _ = writeln!(
            out,
            "| `{}` | [{name}](#{}) | {} |",
            template.name,
            name.to_lowercase(),
            template.format.doc_link()
        );
        if let Some(defs) = value["$defs"].as_object() {
            for (def, body) in defs {
                nested.insert(def.clone(), body.clone());
            }
        }
        contexts.insert(name, value.clone());
    }
    for (name, schema) in contexts.iter().chain(&nested) {
        let _ = write!(out, "\n### {name}\n\n");
        if let Some(description) = schema["description"].as_str() {
            let _ = write!(out, "{}\n\n", cell(description));
        }
        table(&mut out, schema);
    }
    out
}

fn doc_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/templates.md")
}

#[test]
fn every_template_has_a_context_in_the_reference() {
    let mut documented: Vec<&str> = templates().iter().map(|(t, _)| t.name).collect();
    let mut embedded: Vec<&str> = embedded().map(|t| t.id.name).collect();
    documented.sort_unstable();
    embedded.sort_unstable();
    assert_eq!(documented, embedded);
}

#[test]
fn the_doc_lists_every_context_field_as_the_structs_declare_it() {
    let path = doc_path();
    let doc = std::fs::read_to_string(&path).expect("docs/templates.md");
    let start = doc.find(BEGIN).expect("begin marker") + BEGIN.len();
    let end = doc.find(END).expect("end marker");
    let expected = format!("\n{}\n", generated());
    if std::env::var_os("PEERGEN_UPDATE_DOCS").is_some() {
        let updated = format!("{}{expected}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, updated).expect("write docs/templates.md");
        return;
    }
    assert!(
        doc[start..end] == expected,
        "docs/templates.md is out of date with the context structs; run PEERGEN_UPDATE_DOCS=1 cargo test -p peergen-render and review the diff"
    );
}
