//! The key tables of the docs and the schema's descriptions against the ranges and
//! defaults the code applies.
//!
//! Ranges and defaults are defined once, in `peergen_core::limits`; the schema
//! (`peergen schema`) carries them as `minimum`/`maximum`/`maxLength`/`default`. The
//! prose that repeats them for people cannot name a constant, so it is held to the schema
//! here: the key tables of `docs/peer-file.md` (`| key | type | default | rule |`) and
//! the site file table of `docs/config-repo.md` must list exactly the schema's keys, with
//! each key's type, its default in the default column, "required" for a required key and
//! its range in the rule (a rule that is not one range, such as "0 or 3 to 65535", is
//! its alternatives joined by "or"; numbers the schema excludes inside a range are named
//! too). A row whose type column says "see [...]" only points to the table that documents
//! its keys. Every schema description must state its own range and default too, since
//! that is what editors show. Facts the schema cannot carry (the IPv6 minimum
//! MTU, the default key directory, the name's length) are checked against the constants
//! directly. Change a value in the code and this fails until the docs follow.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use std::collections::BTreeSet;

use common::{peergen, root};
use peergen_core::limits;
use serde_json::Value;

/// One row of a key table.
#[derive(Debug)]
struct Row {
    /// The heading (`##` or `###`) the table is under.
    section: String,
    /// The keys the row documents (`wireguard`, `gre`, … share one row).
    keys: Vec<String>,
    /// The type column.
    kind: String,
    /// The default column.
    default: String,
    /// The rule column (the site file table: "what it does").
    rule: String,
}

/// The schema `peergen schema FILE` prints.
fn schema(file: &str) -> Value {
    let out = peergen(&["schema", file], None);
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The text between backquotes in `cell`, in order.
fn quoted(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Every row of every table whose header starts with `| key | type | default |`, with the
/// `##` or `###` heading it is under.
fn key_tables(doc: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut section = String::new();
    let mut in_table = false;
    for line in doc.lines() {
        if let Some(heading) = line
            .strip_prefix("## ")
            .or_else(|| line.strip_prefix("### "))
        {
            section = heading.to_owned();
            in_table = false;
        } else if line.starts_with("| key | type | default |") {
            in_table = true;
        } else if in_table && line.starts_with("|---") {
        } else if in_table && line.starts_with('|') {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 4, "{section}: {line}");
            rows.push(Row {
                section: section.clone(),
                keys: quoted(cells[0]),
                kind: cells[1].to_owned(),
                default: cells[2].to_owned(),
                rule: cells[3].to_owned(),
            });
        } else {
            in_table = false;
        }
    }
    rows
}

/// A schema with `$ref`s (also inside `allOf`) followed.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let reference = schema["$ref"]
        .as_str()
        .or_else(|| schema["allOf"][0]["$ref"].as_str());
    match reference {
        Some(r) => {
            let name = r.strip_prefix("#/definitions/").unwrap();
            resolve(root, &root["definitions"][name])
        }
        None => schema,
    }
}

/// The alternatives of a property: its `anyOf` branches, or itself.
fn alternatives<'a>(root: &'a Value, property: &'a Value) -> Vec<&'a Value> {
    let resolved = resolve(root, property);
    match resolved["anyOf"].as_array() {
        Some(branches) => branches.iter().map(|b| resolve(root, b)).collect(),
        None => vec![resolved],
    }
}

/// What the type column must mention for a property, one of each group: "integer",
/// "string" (or, for a single word, that word in quotes), "array", "table", "boolean".
fn type_words(root: &Value, property: &Value) -> Vec<Vec<String>> {
    let mut words = Vec::new();
    for alt in alternatives(root, property) {
        match alt["type"].as_str() {
            Some("integer") => words.push(vec!["integer".to_owned()]),
            Some("string") => {
                let mut any = vec!["string".to_owned()];
                if let Some([word]) = alt["enum"].as_array().map(Vec::as_slice) {
                    any.push(word.to_string());
                }
                words.push(any);
            }
            Some("array") => {
                words.push(vec!["array".to_owned()]);
                words.extend(type_words(root, &alt["items"]));
            }
            Some("object") => words.push(vec!["table".to_owned()]),
            Some("boolean") => words.push(vec!["boolean".to_owned()]),
            other => panic!("unexpected schema type {other:?}: {alt}"),
        }
    }
    words
}

/// The ranges of a property (one per alternative that has one), as "MIN to MAX".
fn ranges(root: &Value, property: &Value) -> Vec<(i64, i64)> {
    alternatives(root, property)
        .into_iter()
        .filter_map(|alt| Some((alt["minimum"].as_i64()?, alt["maximum"].as_i64()?)))
        .collect()
}

/// The integers a property accepts, as the docs write them: each alternative's range
/// ("MIN to MAX") or single value (`const`), joined by " or ": "1 to 255", "0 or 3 to
/// 65535". `None` for a property without either.
fn accepted(root: &Value, property: &Value) -> Option<String> {
    let parts: Vec<String> = alternatives(root, property)
        .into_iter()
        .filter_map(|alt| match alt["const"].as_i64() {
            Some(value) => Some(value.to_string()),
            None => Some(format!(
                "{} to {}",
                alt["minimum"].as_i64()?,
                alt["maximum"].as_i64()?
            )),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" or "))
}

/// The numbers a property's range would take but its schema excludes (`not` / `enum`),
/// such as the reserved AS numbers: the prose must name each.
fn excluded(root: &Value, property: &Value) -> Vec<i64> {
    let resolved = resolve(root, property);
    let within = ranges(root, property);
    resolved["not"]["enum"]
        .as_array()
        .map(|values| {
            values
                .iter()
                .filter_map(Value::as_i64)
                .filter(|v| within.iter().any(|(min, max)| (min..=max).contains(&v)))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a row only points to the table that documents its keys (its type column says
/// "see [...]", as the ends' table does for their BGP keys).
fn is_reference(row: &Row) -> bool {
    row.kind.starts_with("see [")
}

/// A default as the docs write it: a number or string as it is, a list as a TOML array.
fn default_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// Which schema object a section's table documents (`""`: the root).
fn definition_of(section: &str) -> &'static str {
    match section {
        "Top level" => "",
        "Ends: `[local]` and `[remote]`" => "End",
        "`[wireguard]`" => "Wireguard",
        "Routes" => "RouteTable",
        "`[gre]` and `[gretap]`" => "Gre",
        "`[sit]`" => "Sit",
        "`[ip6gre]` and `[ip6gretap]`" => "Ip6Gre",
        "`[vxlan]`" => "Vxlan",
        "`[bgp]`" => "Bgp",
        "BGP keys of `[local]` and `[remote]`" => "End",
        "The table form of `announce`" => "AnnounceTable",
        other => panic!("docs/peer-file.md: a key table under \"{other}\" that this test does not know; map it to its schema definition"),
    }
}

fn object<'a>(root: &'a Value, definition: &str) -> &'a Value {
    if definition.is_empty() {
        root
    } else {
        &root["definitions"][definition]
    }
}

/// The rule text that states a key's range: the row's own, or for "As for `[gre]`" the
/// row of that table.
fn rule_with_range<'a>(rows: &'a [Row], row: &'a Row, key: &str) -> String {
    let mut text = row.rule.clone();
    if let Some(rest) = row.rule.split("As for `[").nth(1) {
        let table = rest.split(']').next().unwrap();
        let other = rows
            .iter()
            .find(|r| {
                r.section.contains(&format!("`[{table}]`")) && r.keys.iter().any(|k| k == key)
            })
            .unwrap_or_else(|| panic!("{key}: \"As for [{table}]\" names no row"));
        text.push(' ');
        text.push_str(&other.rule);
    }
    text
}

#[test]
fn peer_file_key_tables_match_the_schema() {
    let root_schema = schema("peer");
    let doc = std::fs::read_to_string(root().join("docs/peer-file.md")).unwrap();
    let rows = key_tables(&doc);
    let mut documented: BTreeSet<&str> = BTreeSet::new();
    let mut problems = Vec::new();
    // A definition's keys may be spread over several tables (the ends' BGP keys have
    // their own), so the keys are compared per definition.
    for definition in rows
        .iter()
        .map(|r| definition_of(&r.section))
        .collect::<BTreeSet<_>>()
    {
        documented.insert(definition);
        let object = object(&root_schema, definition);
        let properties = object["properties"].as_object().unwrap();
        let required: Vec<&str> = object["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let (references, documenting): (Vec<&Row>, Vec<&Row>) = rows
            .iter()
            .filter(|r| definition_of(&r.section) == definition)
            .partition(|r| is_reference(r));
        let sections: BTreeSet<&str> = documenting.iter().map(|r| r.section.as_str()).collect();
        let in_doc: BTreeSet<&str> = documenting
            .iter()
            .flat_map(|r| r.keys.iter().map(String::as_str))
            .collect();
        let in_schema: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        if in_doc != in_schema {
            problems.push(format!(
                "{sections:?}: the tables list {in_doc:?}, the schema has {in_schema:?}"
            ));
        }
        for row in references {
            for key in row.keys.iter().filter(|k| !in_doc.contains(k.as_str())) {
                problems.push(format!(
                    "{}: `{key}` points to another table, which does not list it",
                    row.section
                ));
            }
        }
        for row in documenting {
            let section = &row.section;
            for key in &row.keys {
                let Some(property) = properties.get(key) else {
                    continue;
                };
                let at = format!("{section}: `{key}`");
                for any in type_words(&root_schema, property) {
                    if !any.iter().any(|word| row.kind.contains(word)) {
                        problems.push(format!(
                            "{at}: the type column \"{}\" does not say {}",
                            row.kind,
                            any.join(" or ")
                        ));
                    }
                }
                if required.contains(&key.as_str()) && !row.default.starts_with("required") {
                    problems.push(format!(
                        "{at}: required, but the default column says \"{}\"",
                        row.default
                    ));
                }
                if let Some(default) = property.get("default") {
                    let text = default_text(default);
                    if !row.default.contains(&text) {
                        problems.push(format!(
                            "{at}: the default is {text}, but the default column says \"{}\"",
                            row.default
                        ));
                    }
                }
                let rule = rule_with_range(&rows, row, key);
                if let Some(accepted) = accepted(&root_schema, property) {
                    if !rule.contains(&accepted) {
                        problems.push(format!(
                            "{at}: the range is {accepted}, but the rule says \"{}\"",
                            row.rule
                        ));
                    }
                }
                for value in excluded(&root_schema, property) {
                    if !rule.contains(&value.to_string()) {
                        problems.push(format!(
                            "{at}: {value} is excluded, but the rule says \"{}\"",
                            row.rule
                        ));
                    }
                }
                if let Some(max) = property["maxLength"].as_u64() {
                    if !rule
                        .to_lowercase()
                        .contains(&format!("at most {max} characters"))
                    {
                        problems.push(format!(
                            "{at}: at most {max} characters, but the rule says \"{}\"",
                            row.rule
                        ));
                    }
                }
            }
        }
    }
    // Every table of keys a peer file has is documented.
    let mut objects: BTreeSet<&str> = root_schema["definitions"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, d)| d["properties"].is_object())
        .map(|(name, _)| name.as_str())
        .collect();
    objects.insert("");
    let missing: Vec<_> = objects.difference(&documented).collect();
    if !missing.is_empty() {
        problems.push(format!("schema objects without a key table: {missing:?}"));
    }
    assert!(
        problems.is_empty(),
        "docs/peer-file.md is out of date:\n{}",
        problems.join("\n")
    );
}

/// The row of `key` in `section`.
fn row<'a>(rows: &'a [Row], section: &str, key: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.section == section && r.keys.iter().any(|k| k == key))
        .unwrap_or_else(|| panic!("{section}: no row for {key}"))
}

#[test]
fn peer_file_states_what_the_schema_cannot_carry() {
    let doc = std::fs::read_to_string(root().join("docs/peer-file.md")).unwrap();
    let rows = key_tables(&doc);
    let ipv6 = limits::IPV6_MIN_MTU;
    let checks = [
        (
            row(&rows, "Top level", "name").rule.clone(),
            format!("1 to {} characters", limits::INTERFACE_NAME_MAX_CHARS),
        ),
        (
            row(&rows, "Top level", "mtu").rule.clone(),
            format!("at least {ipv6} when any tunnel address is IPv6"),
        ),
        (
            row(&rows, "Top level", "underlay-mtu").rule.clone(),
            format!("{ipv6} to {} over IPv6", limits::UNDERLAY_MTU.max),
        ),
        (
            row(&rows, "Ends: `[local]` and `[remote]`", "private-key-file")
                .default
                .clone(),
            format!("{}/NAME.key", limits::DEFAULT_KEY_DIRECTORY),
        ),
        (
            row(&rows, "Routes", "table").default.clone(),
            format!("({})", peergen_core::Route::MAIN_TABLE),
        ),
    ];
    for (text, needle) in checks {
        assert!(
            text.contains(&needle),
            "docs/peer-file.md: \"{text}\" should say {needle}"
        );
    }
}

#[test]
fn site_file_table_matches_the_schema() {
    let root_schema = schema("site");
    let doc = std::fs::read_to_string(root().join("docs/config-repo.md")).unwrap();
    let rows = key_tables(&doc);
    assert!(
        !rows.is_empty(),
        "docs/config-repo.md has its site file table"
    );
    let mut in_doc = BTreeSet::new();
    let mut problems = Vec::new();
    for row in &rows {
        // `[local] key-directory` is key `key-directory` of table `local`.
        let (table, key) = match row.keys[0].strip_prefix('[') {
            Some(rest) => {
                let (table, key) = rest.split_once("] ").unwrap();
                (Some(table), key)
            }
            None => (None, row.keys[0].as_str()),
        };
        in_doc.insert(row.keys[0].clone());
        let object = match table {
            Some(t) => resolve(&root_schema, &root_schema["properties"][t]),
            None => &root_schema,
        };
        let property = &object["properties"][key];
        let at = &row.keys[0];
        if property.is_null() {
            problems.push(format!("{at}: not in the schema"));
            continue;
        }
        if let Some(default) = property.get("default") {
            let text = default_text(default);
            if !row.default.contains(&text) {
                problems.push(format!(
                    "{at}: the default is {text}, but the table says \"{}\"",
                    row.default
                ));
            }
        }
        for (min, max) in ranges(&root_schema, property) {
            if !row.kind.contains(&format!("{min}–{max}")) {
                problems.push(format!(
                    "{at}: the range is {min}–{max}, but the table says \"{}\"",
                    row.kind
                ));
            }
        }
    }
    let mut in_schema = BTreeSet::new();
    for (name, property) in root_schema["properties"].as_object().unwrap() {
        let object = resolve(&root_schema, property);
        match object["properties"].as_object() {
            Some(keys) => in_schema.extend(keys.keys().map(|k| format!("[{name}] {k}"))),
            None => {
                in_schema.insert(name.clone());
            }
        }
    }
    if in_doc != in_schema {
        problems.push(format!(
            "the table lists {in_doc:?}, the schema has {in_schema:?}"
        ));
    }
    let prefix = row(
        &rows,
        "The site file: `peergen.toml`",
        "[render] file-prefix",
    );
    if !prefix
        .kind
        .contains(&format!("up to {}", limits::FILE_PREFIX_MAX_CHARS))
    {
        problems.push(format!(
            "[render] file-prefix: up to {} characters, but the table says \"{}\"",
            limits::FILE_PREFIX_MAX_CHARS,
            prefix.kind
        ));
    }
    assert!(
        problems.is_empty(),
        "docs/config-repo.md is out of date:\n{}",
        problems.join("\n")
    );
}

/// Every description with a range or default in its schema states them: editors show the
/// description, and it comes from a doc comment that cannot name the constant.
#[test]
fn schema_descriptions_state_their_ranges_and_defaults() {
    let mut problems = Vec::new();
    for file in ["peer", "site"] {
        let root_schema = schema(file);
        let mut objects = vec![("".to_owned(), &root_schema)];
        for (name, definition) in root_schema["definitions"].as_object().unwrap() {
            objects.push((name.clone(), definition));
        }
        for (name, object) in objects {
            let Some(properties) = object["properties"].as_object() else {
                continue;
            };
            for (key, property) in properties {
                let description = property["description"].as_str().unwrap_or_default();
                let at = format!("{file} schema, {name}.{key}");
                if let Some(accepted) = accepted(&root_schema, property) {
                    if !description.contains(&accepted) {
                        problems.push(format!("{at}: range {accepted} not in \"{description}\""));
                    }
                }
                for value in excluded(&root_schema, property) {
                    if !description.contains(&value.to_string()) {
                        problems.push(format!("{at}: excluded {value} not in \"{description}\""));
                    }
                }
                if let Some(default) = property.get("default") {
                    let text = default_text(default);
                    if !description
                        .split_once("Default: ")
                        .is_some_and(|(_, default)| default.contains(&text))
                    {
                        problems.push(format!("{at}: default {text} not in \"{description}\""));
                    }
                }
                if let Some(max) = property["maxLength"].as_u64() {
                    if !description.contains(&format!("at most {max} characters")) {
                        problems.push(format!(
                            "{at}: at most {max} characters not in \"{description}\""
                        ));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "doc comments in crates/core/src/{{raw,site}}.rs are out of date:\n{}",
        problems.join("\n")
    );
}
