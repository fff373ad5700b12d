//! The commands around the core job: `schema`, `init`, `completions` and `man`.
//!
//! The schemas are pinned in `snapshots/` (`schema__peer`, `schema__site`) so every change
//! to what editors are told is reviewed, and every key of every example file must be a
//! property of the schema. Every starter file from `init` fails `peergen check` with one
//! placeholder error per value marked `# REPLACE` and nothing else, passes once they are
//! replaced, and is pinned in `snapshots/` too.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use common::{peergen, require_tool, root, temp_dir};
use peergen_core::TunnelKind;
use serde_json::Value;

/// Every kind, as the core names them.
const KINDS: [TunnelKind; 7] = TunnelKind::ALL;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs peergen and returns stdout, failing the test unless it exits 0.
fn run_ok(args: &[&str]) -> String {
    let out = peergen(args, None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "peergen {args:?}: {}",
        stderr(&out)
    );
    stdout(&out)
}

fn snapshot(name: &str, contents: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name.to_owned(), contents));
}

/// Every `*.toml` file below `dir`, sorted.
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(toml_files(&path));
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn schema(file: &str) -> Value {
    serde_json::from_str(&run_ok(&["schema", file])).expect("the schema is JSON")
}

/// Follows `$ref` and the single-element `allOf` that draft 7 wraps a described `$ref` in.
fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    loop {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            let name = reference.strip_prefix("#/definitions/").unwrap();
            node = &root["definitions"][name];
        } else if let Some([only]) = node
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            node = only;
        } else {
            return node;
        }
    }
}

/// Whether the schema `node` admits the TOML `value`'s type.
fn admits_type(root: &Value, node: &Value, value: &toml::Value) -> bool {
    let node = resolve(root, node);
    if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
        return branches.iter().any(|b| admits_type(root, b, value));
    }
    let wanted = match value {
        toml::Value::String(_) => "string",
        toml::Value::Integer(_) => "integer",
        toml::Value::Array(_) => "array",
        toml::Value::Table(_) => "object",
        toml::Value::Float(_) => "number",
        toml::Value::Boolean(_) => "boolean",
        toml::Value::Datetime(_) => "string",
    };
    node.get("type").is_some_and(|t| t == wanted)
}

/// Checks that every key of `table` is a property of `node` (recursively), that its value
/// has the type the schema gives, and that the schema refuses other keys.
fn check_keys(
    root: &Value,
    node: &Value,
    table: &toml::Table,
    at: &str,
    problems: &mut Vec<String>,
) {
    let mut node = resolve(root, node);
    // A value that is a string or a table (a route): the table is the object branch.
    if let Some(object) = node
        .get("anyOf")
        .and_then(Value::as_array)
        .and_then(|branches| {
            branches
                .iter()
                .map(|b| resolve(root, b))
                .find(|b| b.get("type").is_some_and(|t| t == "object"))
        })
    {
        node = object;
    }
    if node.get("additionalProperties") != Some(&Value::Bool(false)) {
        problems.push(format!("{at}: the schema accepts unknown keys here"));
    }
    for (key, value) in table {
        let path = if at.is_empty() {
            key.clone()
        } else {
            format!("{at}.{key}")
        };
        let Some(property) = node.get("properties").and_then(|p| p.get(key)) else {
            problems.push(format!("{path}: not a property in the schema"));
            continue;
        };
        if !admits_type(root, property, value) {
            problems.push(format!("{path}: the schema gives another type"));
        }
        match value {
            toml::Value::Table(inner) => check_keys(root, property, inner, &path, problems),
            toml::Value::Array(items) => {
                let items_node = &resolve(root, property)["items"];
                for (i, item) in items.iter().enumerate() {
                    if !admits_type(root, items_node, item) {
                        problems.push(format!("{path}[{i}]: the schema gives another type"));
                    }
                    if let toml::Value::Table(inner) = item {
                        check_keys(root, items_node, inner, &format!("{path}[{i}]"), problems);
                    }
                }
            }
            _ => {}
        }
    }
}

fn assert_keys_in_schema(schema: &Value, name: &str, text: &str) {
    let table: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut problems = Vec::new();
    check_keys(schema, schema, &table, "", &mut problems);
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
}

#[test]
fn peer_schema_is_json_and_pinned() {
    let text = run_ok(&["schema"]);
    assert_eq!(text, run_ok(&["schema", "peer"]), "peer is the default");
    let schema: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(
        schema["required"],
        serde_json::json!(["name", "kind", "local", "remote"])
    );
    assert!(!text.contains("\"null\""), "TOML has no null");
    snapshot("schema__peer", &text);
}

#[test]
fn site_schema_is_json_and_pinned() {
    let text = run_ok(&["schema", "site"]);
    let schema: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["additionalProperties"], false);
    let backends: Vec<String> = peergen_core::Backend::ALL
        .iter()
        .map(|b| b.as_str().to_owned())
        .collect();
    assert_eq!(
        schema["definitions"]["SiteRender"]["properties"]["backends"]["items"]["enum"],
        serde_json::json!(backends)
    );
    snapshot("schema__site", &text);
}

/// Every property, in the schema's root and its definitions, has a description.
#[test]
fn every_schema_property_is_described() {
    for file in ["peer", "site"] {
        let schema = schema(file);
        let mut objects = vec![("(top level)".to_owned(), &schema)];
        for (name, def) in schema["definitions"].as_object().unwrap() {
            objects.push((name.clone(), def));
        }
        for (name, object) in objects {
            for (key, property) in object["properties"].as_object().into_iter().flatten() {
                let description = property["description"].as_str().unwrap_or("");
                assert!(
                    description.len() > 20,
                    "{file} schema, {name}.{key}: no useful description"
                );
            }
        }
    }
}

#[test]
fn every_key_of_every_valid_peer_file_is_in_the_schema() {
    let schema = schema("peer");
    let mut files = toml_files(&root().join("fixtures/valid"));
    let repo = root().join("fixtures/repo");
    if repo.is_dir() {
        files.extend(
            toml_files(&repo)
                .into_iter()
                .filter(|p| !p.ends_with("peergen.toml")),
        );
    }
    assert!(files.len() >= 7, "fixtures/valid has an example per kind");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_keys_in_schema(&schema, &path.display().to_string(), &text);
    }
}

/// A site file with every key, which must validate and match the schema.
const FULL_SITE_FILE: &str = r#"
underlay-mtu = 1492

[local]
endpoint-ipv4 = "198.51.100.10"
endpoint-ipv6 = "2001:db8:100::10"
key-directory = "/etc/wireguard"

[remote]
key-directory = "/etc/wireguard/peers"

[render]
backends = ["networkd", "wg-quick"]
side = "local"
out = "rendered"
file-prefix = "20-"
"#;

#[test]
fn every_key_of_site_files_is_in_the_schema() {
    let source = peergen_core::SourceFile::new("peergen.toml", FULL_SITE_FILE);
    assert!(peergen_core::validate::validate_site(&source).is_ok());
    let schema = schema("site");
    assert_keys_in_schema(&schema, "full site file", FULL_SITE_FILE);
    let mut sites: Vec<PathBuf> = toml_files(&root().join("fixtures"))
        .into_iter()
        .filter(|p| p.ends_with("peergen.toml"))
        .collect();
    sites.sort();
    for path in sites {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_keys_in_schema(&schema, &path.display().to_string(), &text);
    }
}

#[test]
fn schema_refuses_what_validation_refuses_cheaply() {
    let schema = schema("peer");
    let end = &schema["definitions"]["End"]["properties"];
    assert_eq!(end["port"]["minimum"], 1);
    assert_eq!(end["port"]["maximum"], 65535);
    let kinds: Vec<&str> = peergen_core::TunnelKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        schema["properties"]["kind"]["enum"],
        serde_json::json!(kinds)
    );
    assert_eq!(
        schema["definitions"]["Vxlan"]["required"],
        serde_json::json!(["vni"])
    );
}

/// A starter file with its placeholders replaced: markers deleted, real keys (from the
/// valid fixtures) for the stand-in ones.
fn filled(text: &str) -> String {
    let filled = text
        .replace("  # REPLACE\n", "\n")
        .replace(
            "REPLACE+with+our+public+key+from+keygen+000=",
            "LSM3QnoIajecI5aD+5XCv9QH/tDzYY9hZsxH27fRbww=",
        )
        .replace(
            "REPLACE+with+their+public+key+wg+pubkey+000=",
            "4tXpaXvjX9+fotg1O78xjWyjCxMH/iwbt8IRS6UNJwc=",
        );
    assert!(
        !filled
            .lines()
            .any(|l| l.contains(" = ") && l.contains("REPLACE")),
        "every placeholder replaced:\n{filled}"
    );
    filled
}

#[test]
fn init_writes_a_file_whose_only_errors_are_its_placeholders_and_that_renders_once_replaced() {
    let dir = temp_dir("init-every-kind");
    let peer_schema = schema("peer");
    for kind in KINDS.map(TunnelKind::as_str) {
        let text = run_ok(&["init", "peer0", "--kind", kind]);
        let marked = text.lines().filter(|l| l.ends_with("  # REPLACE")).count();
        assert!(
            marked >= 2,
            "{kind}: at least both endpoints are placeholders"
        );
        let table: toml::Table = toml::from_str(&text).unwrap();
        for end in ["local", "remote"] {
            assert!(
                !table[end].as_table().unwrap().contains_key("private-key"),
                "{kind}: never a private key"
            );
        }
        assert_keys_in_schema(&peer_schema, kind, &text);
        snapshot(&format!("init__{kind}"), &text);

        let fresh = dir.join(format!("{kind}-fresh.toml"));
        std::fs::write(&fresh, &text).unwrap();
        let check = peergen(&["check", fresh.to_str().unwrap()], None);
        assert_eq!(check.status.code(), Some(65), "{kind}: {}", stderr(&check));
        let errors = stderr(&check);
        let headers: Vec<&str> = errors
            .lines()
            .filter(|l| l.starts_with("error") || l.starts_with("warning"))
            .map(|l| l.split(':').next().unwrap())
            .collect();
        assert_eq!(
            headers,
            vec!["error[placeholder]"; marked],
            "{kind}: one placeholder error per marked value, nothing else:\n{errors}"
        );
        let render = peergen(
            &["render", "--backend", "networkd", fresh.to_str().unwrap()],
            None,
        );
        assert_eq!(
            render.status.code(),
            Some(65),
            "{kind}: placeholders never render"
        );

        let path = dir.join(format!("{kind}.toml"));
        std::fs::write(&path, filled(&text)).unwrap();
        let path = path.to_str().unwrap();
        let check = peergen(&["check", path], None);
        assert_eq!(check.status.code(), Some(0), "{kind}: {}", stderr(&check));
        assert!(
            stderr(&check).is_empty(),
            "{kind}: no warnings: {}",
            stderr(&check)
        );
        for backend in ["networkd", "ip"] {
            for side in ["local", "remote"] {
                run_ok(&["render", "--backend", backend, "--side", side, path]);
            }
        }
    }
    run_ok(&[
        "render",
        "--backend",
        "wg-quick",
        dir.join("wireguard.toml").to_str().unwrap(),
    ]);
}

/// The keys of a table, sorted.
fn keys_of(table: &toml::Value) -> Vec<String> {
    table.as_table().unwrap().keys().cloned().collect()
}

/// The property names of a schema definition, sorted.
fn properties_of(schema: &Value, definition: &str) -> Vec<String> {
    let mut names: Vec<String> = schema["definitions"][definition]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

#[test]
fn init_shows_every_key_the_kind_takes_and_uncommented_they_still_check() {
    let schema = schema("peer");
    let dir = temp_dir("init-uncommented");
    for kind in KINDS.map(TunnelKind::as_str) {
        let text = run_ok(&["init", "peer0", "--kind", kind]);
        // `# key = value` lines are the optional keys; a note like `# (private-key = …`
        // is not one.
        let uncommented: String = text
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.split_once(" = ").is_some_and(|(key, _)| {
                        !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    }) =>
                {
                    rest
                }
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect();
        let value: toml::Value = toml::from_str(&uncommented).unwrap();
        let table = match kind {
            "wireguard" => "Wireguard",
            "gre" | "gretap" => "Gre",
            "sit" => "Sit",
            "ip6gre" | "ip6gretap" => "Ip6Gre",
            _ => "Vxlan",
        };
        let mut top = vec![
            "description",
            "kind",
            "local",
            "mtu",
            "name",
            "remote",
            "underlay-mtu",
            kind,
        ];
        top.sort_unstable();
        assert_eq!(keys_of(&value), top, "{kind}: top level");
        let mut end_keys = if kind == "wireguard" {
            properties_of(&schema, "End")
        } else {
            vec![
                "addresses".to_owned(),
                "endpoint".to_owned(),
                "routes".to_owned(),
            ]
        };
        // Only mentioned: an inline private key is a deliberate, warned-about choice.
        // `bridge` is for the layer 2 kinds, whose ends then drop addresses and routes.
        // The BGP keys of an end go with a `[bgp]` table, which a starter file leaves out.
        let bgp_end_keys = [
            "asn",
            "announce",
            "max-prefix-ipv4",
            "max-prefix-ipv6",
            "passive",
            "bird-import-filter",
            "bird-export-filter",
            "frr-route-map-in",
            "frr-route-map-out",
        ];
        end_keys
            .retain(|k| k != "private-key" && k != "bridge" && !bgp_end_keys.contains(&k.as_str()));
        for end in ["local", "remote"] {
            assert_eq!(keys_of(&value[end]), end_keys, "{kind}: [{end}]");
        }
        assert_eq!(
            keys_of(&value[kind]),
            properties_of(&schema, table),
            "{kind}: [{kind}]"
        );

        let path = dir.join(format!("{kind}.toml"));
        std::fs::write(&path, filled(&uncommented)).unwrap();
        let check = peergen(&["check", path.to_str().unwrap()], None);
        assert_eq!(check.status.code(), Some(0), "{kind}: {}", stderr(&check));
    }
}

#[test]
fn init_out_creates_the_file_and_never_replaces_it_without_force() {
    let dir = temp_dir("init-out");
    let path = dir.join("as64496.toml");
    let p = path.to_str().unwrap();
    let out = peergen(&["init", "as64496", "--kind", "gre", "--out", p], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("REPLACE"), "{}", stderr(&out));
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, run_ok(&["init", "as64496", "--kind", "gre"]));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);

    let again = peergen(&["init", "as64496", "--kind", "sit", "--out", p], None);
    assert_eq!(again.status.code(), Some(73));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);

    let forced = peergen(
        &["init", "as64496", "--kind", "sit", "--out", p, "--force"],
        None,
    );
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("kind = \"sit\""));
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind");
}

#[test]
fn init_refuses_bad_names_and_usage() {
    let long = peergen(&["init", "sixteen-chars-xx", "--kind", "gre"], None);
    assert_eq!(long.status.code(), Some(2));
    assert!(
        stderr(&long).contains("1 to 15 characters"),
        "{}",
        stderr(&long)
    );
    let dash = peergen(&["init", "--kind", "gre", "--", "-6"], None);
    assert_eq!(dash.status.code(), Some(2));
    assert!(
        stderr(&dash).contains("not starting with '-'"),
        "{}",
        stderr(&dash)
    );
    let reserved = peergen(&["init", "gre0", "--kind", "gre"], None);
    assert_eq!(reserved.status.code(), Some(2));
    assert!(
        stderr(&reserved).contains("fallback device"),
        "{}",
        stderr(&reserved)
    );
    assert!(stdout(&reserved).is_empty());
    assert_eq!(
        peergen(&["init", "peer0"], None).status.code(),
        Some(2),
        "--kind is required"
    );
    assert_eq!(
        peergen(&["init", "peer0", "--kind", "ipip"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        peergen(&["init", "peer0", "--kind", "gre", "--force"], None)
            .status
            .code(),
        Some(2),
        "--force needs --out"
    );
}

/// Finds `tool` on PATH (these checks are extra assurance, so they skip quietly).

#[test]
fn completions_cover_every_subcommand_in_every_shell() {
    let dir = temp_dir("completions");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = run_ok(&["completions", shell]);
        for word in [
            "render",
            "check",
            "keygen",
            "init",
            "schema",
            "completions",
            "man",
        ] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
        let path = dir.join(format!("peergen.{shell}"));
        std::fs::write(&path, &script).unwrap();
        let syntax_check: Option<(&str, &[&str])> = match shell {
            "bash" => Some(("bash", &["-n"])),
            "zsh" => Some(("zsh", &["-n"])),
            "fish" => Some(("fish", &["--no-execute"])),
            _ => None,
        };
        if let Some((program, args)) = syntax_check {
            // Missing shells skip visibly here and fail in CI (PEERGEN_E2E_REQUIRED=1).
            let Some(program) =
                require_tool(program, "completions_cover_every_subcommand_in_every_shell")
            else {
                continue;
            };
            let status = std::process::Command::new(program)
                .args(args)
                .arg(&path)
                .status()
                .unwrap();
            assert!(status.success(), "{shell} rejects its completion script");
        }
    }
    assert_eq!(
        peergen(&["completions", "tcsh"], None).status.code(),
        Some(2)
    );
}

#[test]
fn man_prints_peergen_1_and_writes_a_page_per_subcommand() {
    let page = run_ok(&["man"]);
    assert!(page.contains(".TH peergen 1"), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    assert!(page.contains("peergen\\-render(1)"), "{page}");

    let dir = temp_dir("man");
    let out = dir.join("man1");
    let listed = run_ok(&["man", "--out", out.to_str().unwrap()]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected = [
        "peergen-check.1",
        "peergen-completions.1",
        "peergen-genpsk.1",
        "peergen-handoff.1",
        "peergen-init.1",
        "peergen-keygen.1",
        "peergen-man.1",
        "peergen-mtu.1",
        "peergen-pubkey.1",
        "peergen-render.1",
        "peergen-schema.1",
        "peergen-status.1",
        "peergen.1",
    ];
    assert_eq!(names, expected);
    assert_eq!(listed.lines().count(), expected.len());
    let render = std::fs::read_to_string(out.join("peergen-render.1")).unwrap();
    assert!(render.contains(".TH peergen-render 1"), "{render}");
    assert!(render.contains("\\-\\-backend"), "{render}");
    assert_eq!(
        std::fs::read_to_string(out.join("peergen.1")).unwrap(),
        page,
        "the page on stdout is peergen.1"
    );
    if let Some(man) = require_tool(
        "man",
        "man_prints_peergen_1_and_writes_a_page_per_subcommand",
    ) {
        let status = std::process::Command::new(man)
            .arg("-l")
            .arg(out.join("peergen-init.1"))
            .env("MANPAGER", "cat")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "man -l rejects peergen-init.1");
    }
}

#[test]
fn help_of_the_new_commands_reads_well() {
    for command in ["init", "schema", "completions", "man"] {
        let help = run_ok(&[command, "--help"]);
        assert!(help.starts_with(char::is_uppercase), "{command}: {help}");
        assert!(help.contains("Usage: peergen"), "{command}: {help}");
    }
    let top = run_ok(&["--help"]);
    for command in ["init", "schema", "completions", "man"] {
        assert!(top.contains(&format!("  {command} ")), "{top}");
    }
}

#[test]
fn man_out_dash_is_stdout() {
    let dir = temp_dir("man-dash");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_peergen"))
        .args(["man", "--out", "-"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH peergen 1"), "{page}");
    assert!(!dir.join("-").exists(), "a folder named - was created");
}
