//! Every fixture through validation, with the text users see pinned in `snapshots/`.
//!
//! `fixtures/invalid/*.toml` must fail: the snapshot holds every diagnostic exactly as
//! rendered (file:line:column, field, problem, excerpt, help). `fixtures/valid/*.toml` must
//! validate: the snapshot holds its warnings, the MTU explanation and, with `[bgp]`, the
//! resolved peering. Snapshot names come from the fixture's file stem (`check__invalid__<stem>`, `check__valid__<stem>`), so adding
//! a fixture never renames another one's snapshot.

use std::path::{Path, PathBuf};

use peergen_core::{validate, SourceFile};

/// The `.toml` files of `fixtures/<dir>`, sorted, as paths relative to the repository root.
fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = Path::new("fixtures").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(&folder))
        .unwrap_or_else(|e| panic!("reading {}: {e}", folder.display()))
        .map(|entry| entry.expect("directory entry").file_name())
        .filter(|name| Path::new(name).extension().is_some_and(|ext| ext == "toml"))
        .map(|name| folder.join(name))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", folder.display());
    files
}

/// Reads a fixture as the CLI would, naming it by its path relative to the repository root.
fn source(relative: &Path) -> SourceFile {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(relative))
        .unwrap_or_else(|e| panic!("reading {}: {e}", relative.display()));
    // Forward slashes on every platform, so snapshots do not depend on the OS.
    let shown = relative.to_string_lossy().replace('\\', "/");
    SourceFile::new(shown, text)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .expect("fixture file name")
        .to_string_lossy()
        .into_owned()
}

fn snapshot(path: &Path, name: &str, contents: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(root.join(path));
    settings.bind(|| insta::assert_snapshot!(name.to_owned(), contents));
}

#[test]
fn invalid_fixtures_fail_with_their_diagnostics() {
    for path in fixtures("invalid") {
        let src = source(&path);
        let first_line = src.text().lines().next().unwrap_or("");
        assert!(
            first_line.starts_with('#'),
            "{}: an invalid fixture starts with a comment saying what is wrong",
            path.display()
        );
        let invalid = match validate(&src) {
            Ok(_) => panic!("{} validated, but it is an invalid fixture", path.display()),
            Err(invalid) => invalid,
        };
        assert!(
            invalid.diagnostics.iter().any(|d| d.is_error()),
            "{}: rejected without an error",
            path.display()
        );
        let text: Vec<String> = invalid.diagnostics.iter().map(|d| d.render(&src)).collect();
        snapshot(
            &path,
            &format!("check__invalid__{}", stem(&path)),
            &text.join("\n"),
        );
    }
}

#[test]
fn valid_fixtures_validate() {
    for path in fixtures("valid") {
        let src = source(&path);
        let validated = validate(&src).unwrap_or_else(|invalid| {
            let text: Vec<String> = invalid.diagnostics.iter().map(|d| d.render(&src)).collect();
            panic!("{} is invalid:\n{}", path.display(), text.join("\n"))
        });
        let mut text = format!("mtu: {}\n", validated.peer.mtu.explanation());
        if let Some(bgp) = &validated.peer.bgp {
            text.push_str("bgp:\n");
            for line in bgp.explanation().lines() {
                text.push_str(&format!("  {line}\n"));
            }
        }
        if validated.warnings.is_empty() {
            text.push_str("warnings: none\n");
        } else {
            text.push_str("warnings:\n");
            for warning in &validated.warnings {
                text.push('\n');
                text.push_str(&warning.render(&src));
            }
        }
        snapshot(&path, &format!("check__valid__{}", stem(&path)), &text);
    }
}

/// The complete examples in the peer file reference are valid peer files.
#[test]
fn documented_examples_validate() {
    let path = "docs/peer-file.md";
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .expect("reading docs/peer-file.md");
    let mut checked = 0;
    for block in doc.split("```toml\n").skip(1) {
        let example = block.split("```").next().unwrap_or_default();
        // Fragments (a few keys to illustrate one point) are not whole peer files.
        if !(example.contains("\nkind = ") || example.starts_with("kind = ")) {
            continue;
        }
        let src = SourceFile::new(path, example);
        if let Err(invalid) = validate(&src) {
            let text: Vec<String> = invalid.diagnostics.iter().map(|d| d.render(&src)).collect();
            panic!("an example in {path} is invalid:\n{}", text.join("\n"));
        }
        checked += 1;
    }
    assert!(
        checked >= 2,
        "the complete examples were not found in {path}"
    );
}

/// The site file is checked against its own keys: a misspelt `[render]` key is a key of
/// `[render]`, and every problem of shape is reported together.
#[test]
fn site_file_shape_errors_use_the_site_file_keys() {
    let text = "[render]\nbackend = [\"networkd\"]\nsid = \"local\"\n\n[local]\nendpoint-ipv4 = 1\nkey-dir = \"/etc/wireguard\"\n";
    let src = SourceFile::new("peergen.toml", text);
    let invalid = peergen_core::validate::validate_site(&src).expect_err("invalid site file");
    let rendered: Vec<String> = invalid.diagnostics.iter().map(|d| d.render(&src)).collect();
    let all = rendered.join("\n");
    assert_eq!(invalid.diagnostics.len(), 4, "{all}");
    assert!(
        all.contains("peergen.toml:2:1: render.backend: unknown key `backend` in [render]"),
        "{all}"
    );
    assert!(all.contains("did you mean `backends`?"), "{all}");
    assert!(
        all.contains("render.sid: unknown key `sid` in [render]"),
        "{all}"
    );
    assert!(all.contains("did you mean `side`?"), "{all}");
    assert!(
        all.contains(
            "peergen.toml:6:17: local.endpoint-ipv4: expected a string, found an integer 1"
        ),
        "{all}"
    );
    assert!(
        all.contains("local.key-dir: unknown key `key-dir` in [local]"),
        "{all}"
    );
    assert!(!all.contains("not a table"), "{all}");
}
