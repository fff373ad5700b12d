//! Which files in a folder of peers are peer files: the site file's `[peers] include` and
//! `exclude`, the error for another tool's TOML file met in a folder, and files named on
//! the command line, which are always peer files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{peergen, root, temp_dir};

const CARGO_TOML: &str = "[package]\nname = \"tools\"\nversion = \"0.1.0\"\n\n[dependencies]\n";

/// A copy of the example repo (three peers, a site file) with `extra` appended to its
/// site file.
fn repo(name: &str, extra: &str) -> PathBuf {
    let dir = temp_dir(name);
    let example = root().join("fixtures/repo");
    let site = std::fs::read_to_string(example.join("peergen.toml")).unwrap();
    std::fs::write(dir.join("peergen.toml"), format!("{site}{extra}")).unwrap();
    std::fs::create_dir_all(dir.join("peers")).unwrap();
    for peer in ["as64512", "as64520", "as64540"] {
        std::fs::copy(
            example.join(format!("peers/{peer}.toml")),
            dir.join(format!("peers/{peer}.toml")),
        )
        .unwrap();
    }
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `peergen render --out - ARGS…` with paths below `dir`.
fn render(dir: &Path, args: &[&str]) -> Output {
    let paths: Vec<String> = args
        .iter()
        .map(|a| dir.join(a).to_str().unwrap().to_owned())
        .collect();
    let mut all = vec!["render", "--out", "-"];
    all.extend(paths.iter().map(String::as_str));
    peergen(&all, None)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The interface names of the rendered files (`==> …/20-gre-as64520.netdev …`).
fn rendered_peers(out: &Output) -> Vec<String> {
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("==> "))
        .filter_map(|l| l.split(" (mode").next())
        .filter_map(|path| path.rsplit('/').next())
        .filter_map(|file| file.strip_suffix(".netdev"))
        .map(|file| file.trim_start_matches("20-").to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_cargo_toml_in_a_peer_folder_says_how_to_exclude_it() {
    let dir = repo("select-cargo", "");
    write(&dir.join("peers/Cargo.toml"), CARGO_TOML);
    let out = render(&dir, &["peers"]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing rendered");
    let err = stderr(&out);
    let expected = format!(
        "error: {}/peers/Cargo.toml: not a peer file: a peer file has `name` and `kind` at the top, this one has [dependencies], [package]. It was read because every *.toml file below {}/peers is taken as a peer file unless the site file excludes it: add exclude = [\"peers/Cargo.toml\"] to the [peers] table of {}/peergen.toml (patterns are relative to its folder), or move the file out of {}/peers\n",
        dir.display(),
        dir.display(),
        // The site file is found by walking up, and named relative to the working folder
        // when it lies below it.
        dir.strip_prefix(std::env::current_dir().unwrap())
            .unwrap_or(&dir)
            .display(),
        dir.display()
    );
    assert_eq!(err, expected, "one clear error, no wall of unknown keys");
}

#[test]
fn without_a_site_file_the_error_says_which_one_to_create() {
    let dir = temp_dir("select-no-site");
    write(&dir.join("peers/Cargo.toml"), CARGO_TOML);
    let peers = dir.join("peers");
    let out = peergen(&["render", "-b", "networkd", peers.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "create {}/peers/peergen.toml with a [peers] table holding exclude = [\"Cargo.toml\"]",
            dir.display()
        )),
        "{err}"
    );
}

#[test]
fn the_suggested_exclusion_works() {
    let dir = repo(
        "select-excluded",
        "\n[peers]\nexclude = [\"peers/Cargo.toml\"]\n",
    );
    write(&dir.join("peers/Cargo.toml"), CARGO_TOML);
    let out = render(&dir, &["peers"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        rendered_peers(&out),
        ["gre-as64520", "ip6gre-as64540", "wg-as64512"]
    );
}

#[test]
fn include_and_exclude_choose_the_peer_files() {
    let dir = repo(
        "select-patterns",
        "\n[peers]\ninclude = [\"peers/**/*.toml\"]\nexclude = [\"Cargo.toml\", \"peers/templates\", \"*.draft.toml\"]\n",
    );
    // Not included: outside peers/. Excluded: by name in any folder, a whole folder, a
    // name pattern.
    let gre = std::fs::read_to_string(dir.join("peers/as64520.toml")).unwrap();
    write(&dir.join("other/as1.toml"), "not = \"a peer\"\n");
    write(&dir.join("peers/sub/Cargo.toml"), CARGO_TOML);
    write(
        &dir.join("peers/templates/gre.toml"),
        "name = \"{{ name }}\"\n",
    );
    write(&dir.join("peers/templates/deep/x.toml"), "garbage [[[");
    write(&dir.join("peers/new.draft.toml"), "name = \"draft\"\n");
    // Included below a subfolder.
    write(
        &dir.join("peers/sub/as64521.toml"),
        &gre.replace("as64520", "as64521")
            .replace("203.0.113.20", "203.0.113.21")
            .replace("172.31.20.", "172.31.21.")
            .replace("ffff:20::", "ffff:21::"),
    );
    let out = render(&dir, &["peers", "other"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        rendered_peers(&out),
        ["gre-as64520", "gre-as64521", "ip6gre-as64540", "wg-as64512"]
    );
    assert!(
        stderr(&out).contains("other contains no peer files"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn patterns_apply_below_the_site_folder_when_the_walk_starts_above_it() {
    let dir = repo(
        "select-above/repo",
        "\n[peers]\nexclude = [\"peers/Cargo.toml\"]\n",
    );
    write(&dir.join("peers/Cargo.toml"), CARGO_TOML);
    let site = dir.join("peergen.toml");
    let above = dir.parent().unwrap();
    let out = peergen(
        &[
            "render",
            "--out",
            "-",
            "--config",
            site.to_str().unwrap(),
            above.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        rendered_peers(&out),
        ["gre-as64520", "ip6gre-as64540", "wg-as64512"]
    );
}

#[test]
fn files_named_on_the_command_line_are_always_peer_files() {
    let dir = repo(
        "select-explicit",
        "\n[peers]\nexclude = [\"Cargo.toml\", \"as64512.toml\"]\n",
    );
    write(&dir.join("peers/Cargo.toml"), CARGO_TOML);
    // An excluded peer file named explicitly is rendered.
    let out = render(&dir, &["peers/as64512.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(rendered_peers(&out), ["wg-as64512"]);
    // A non-peer file named explicitly is read as a peer file, with its errors.
    let out = render(&dir, &["peers/Cargo.toml"]);
    assert_eq!(out.status.code(), Some(65));
    let err = stderr(&out);
    assert!(err.contains("error[unknown-key]"), "{err}");
    assert!(!err.contains("not a peer file"), "{err}");
}

#[test]
fn a_peer_file_with_mistakes_in_a_folder_is_still_reported_as_one() {
    let dir = repo("select-mistakes", "");
    let text = std::fs::read_to_string(dir.join("peers/as64520.toml")).unwrap();
    write(
        &dir.join("peers/as64520.toml"),
        &text.replace("[gre]", "colour = \"blue\"\n[gre]"),
    );
    let out = render(&dir, &["peers"]);
    assert_eq!(out.status.code(), Some(65));
    let err = stderr(&out);
    assert!(err.contains("error[unknown-key]"), "{err}");
    assert!(!err.contains("not a peer file"), "{err}");
    assert!(
        err.contains("note: every *.toml file found in a folder is read as a peer file"),
        "{err}"
    );
}

#[test]
fn a_bad_pattern_is_an_error_at_its_place() {
    let dir = repo(
        "select-bad-pattern",
        "\n[peers]\nexclude = [\"peers/[ab].toml\"]\n",
    );
    let out = render(&dir, &["peers"]);
    assert_eq!(out.status.code(), Some(65));
    let err = stderr(&out);
    assert!(
        err.contains("peergen.toml:18:12: peers.exclude[0]: \"peers/[ab].toml\" is not a valid pattern: '[' is not supported"),
        "{err}"
    );
}
