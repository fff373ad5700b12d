//! What `peergen render` prints on runs over many peers: the files that changed and a
//! summary, repeated warnings counted after a few, every error in full; `-v` lists every
//! file and every warning.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use std::path::Path;
use std::process::Output;

use common::{peergen, temp_dir};

const SITE: &str = r#"
[local]
endpoint-ipv4 = "198.51.100.10"
[render]
backends = ["networkd"]
out = "rendered"
"#;

/// Writes `count` GRE peers that each draw the same warning (`ttl = "inherit"`).
fn generate(dir: &Path, count: usize) {
    std::fs::write(dir.join("peergen.toml"), SITE).unwrap();
    let peers = dir.join("peers");
    std::fs::create_dir_all(&peers).unwrap();
    for i in 0..count {
        let base = u32::try_from(i).unwrap() * 2;
        let (b, c) = ((base >> 8) & 0xff, base & 0xff);
        let text = format!(
            "name = \"gre-{i}\"\nkind = \"gre\"\n[local]\naddresses = [\"10.0.{b}.{c}/31\"]\n[remote]\nendpoint = \"203.0.113.{}\"\naddresses = [\"10.0.{b}.{}/31\"]\n[gre]\nkey = {}\nttl = \"inherit\"\n",
            1 + i % 250,
            c + 1,
            i + 1
        );
        std::fs::write(peers.join(format!("p{i:04}.toml")), text).unwrap();
    }
}

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn count(lines: &[String], prefix: &str) -> usize {
    lines.iter().filter(|l| l.starts_with(prefix)).count()
}

/// Runs `peergen [flags] render [args] DIR/peers`.
fn render(dir: &Path, flags: &[&str], args: &[&str]) -> (Vec<String>, Vec<String>) {
    let peers = dir.join("peers");
    let mut all: Vec<&str> = flags.to_vec();
    all.push("render");
    all.extend_from_slice(args);
    all.push(peers.to_str().unwrap());
    let out: Output = peergen(&all, None);
    let (stdout, stderr) = (lines(&out.stdout), lines(&out.stderr));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        stderr.join("\n")
    );
    (stdout, stderr)
}

#[test]
fn a_thousand_peers_print_what_changed_and_a_summary() {
    let dir = temp_dir("output-1000");
    generate(&dir, 1000);
    let rendered = dir.join("rendered");
    // The output folder comes from the site file, which peergen finds by walking up and
    // names relative to the working folder when it lies below it (as the tests' does when
    // the target folder is inside the checkout).
    let cwd = std::env::current_dir().unwrap();
    let shown = rendered
        .strip_prefix(&cwd)
        .unwrap_or(&rendered)
        .to_str()
        .unwrap()
        .to_owned();

    // First run: every file is new, so every file is listed; the warning all 1000 peers
    // share is shown three times and counted once.
    let (out, err) = render(&dir, &[], &[]);
    assert_eq!(out.len(), 2001, "a line per written file and the summary");
    assert_eq!(count(&out, "wrote "), 2000);
    assert_eq!(
        out.last().unwrap(),
        &format!("2000 written, 0 unchanged, 0 removed in {shown}")
    );
    assert_eq!(count(&err, "warning[ttl-inherit]: "), 3, "{err:#?}");
    let summary = format!(
        "warning: 997 more of warning[ttl-inherit] at gre.ttl, like the ones above, in {0}/peers/p0003.toml … {0}/peers/p0999.toml (not shown; -v shows each)",
        dir.display()
    );
    assert!(err.contains(&summary), "{err:#?}");
    assert!(err.len() < 20, "bounded: {} lines", err.len());

    // Nothing changed: one line.
    let (out, _) = render(&dir, &[], &[]);
    assert_eq!(
        out,
        [format!("0 written, 2000 unchanged, 0 removed in {shown}")]
    );

    // One peer changed: its file and the summary.
    let peer = dir.join("peers/p0042.toml");
    let edited = std::fs::read_to_string(&peer)
        .unwrap()
        .replace("key = 43", "key = 4300");
    std::fs::write(&peer, edited).unwrap();
    let (out, _) = render(&dir, &[], &[]);
    assert_eq!(
        out,
        [
            format!("wrote {shown}/systemd/network/10-gre-42.netdev"),
            format!("1 written, 1999 unchanged, 0 removed in {shown}"),
        ]
    );

    // Ten peers removed: three of their 20 files named, the rest counted; -v names all.
    for i in 0..10 {
        std::fs::remove_file(dir.join(format!("peers/p{i:04}.toml"))).unwrap();
    }
    let (_, err) = render(&dir, &[], &[]);
    assert_eq!(count(&err, &format!("warning: {shown}/")), 3, "{err:#?}");
    assert!(
        err.iter().any(|l| l.starts_with(&format!(
            "warning: 17 more files in {shown} were rendered for peer files that are gone"
        ))),
        "{err:#?}"
    );
    let (out, err) = render(&dir, &["-v"], &[]);
    assert_eq!(count(&err, &format!("warning: {shown}/")), 20, "{err:#?}");
    assert!(!err.iter().any(|l| l.contains(" more ")), "{err:#?}");
    assert_eq!(count(&err, "warning[ttl-inherit]: "), 990, "every warning");
    assert_eq!(count(&out, "unchanged "), 1980, "every file");
    assert_eq!(out.len(), 1981);

    // --prune lists each removal; --check prints only drift and a summary line.
    let (out, _) = render(&dir, &[], &["--prune"]);
    assert_eq!(count(&out, "removed "), 20);
    let (out, _) = render(&dir, &[], &["--check"]);
    assert_eq!(out, [format!("up to date: 1980 files in {shown}")]);
    let (out, _) = render(&dir, &[], &["--check", "--verbose"]);
    assert_eq!(count(&out, "ok: "), 1981, "every file and the manifest");
    assert_eq!(out.len(), 1982);
}

#[test]
fn errors_are_never_summarised() {
    let dir = temp_dir("output-errors");
    generate(&dir, 20);
    for i in 0..20 {
        let peer = dir.join(format!("peers/p{i:04}.toml"));
        let text = std::fs::read_to_string(&peer)
            .unwrap()
            .replace("ttl = \"inherit\"", "ttl = 0");
        std::fs::write(&peer, text).unwrap();
    }
    let out = peergen(&["render", dir.join("peers").to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(65));
    let err = lines(&out.stderr);
    assert_eq!(count(&err, "error["), 20, "{err:#?}");
    assert!(!err.iter().any(|l| l.contains(" more ")), "{err:#?}");
}

/// Runs `peergen ARGS` in `dir` through `sh` with its data size (heap and thread stacks;
/// `ulimit -d`) limited to `kib`.
fn render_limited(dir: &Path, kib: u32, args: &[&str]) -> Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -d {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_peergen"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn writing_a_folder_does_not_hold_every_rendered_file() {
    // 400 peers whose .network files are 77 KiB each (a template override pads them):
    // 30 MiB of output, written within a 20 MiB data limit. Each file is written as soon
    // as it is rendered, so memory does not grow with the size of the output.
    let dir = temp_dir("output-bounded-memory");
    generate(&dir, 400);
    let padding = format!(
        "{{% for i in range(1024) %}}# padding {}{{{{ i }}}}\n{{% endfor %}}",
        "x".repeat(56)
    );
    let network =
        std::fs::read_to_string(common::root().join("templates/networkd/tunnel.network.j2"))
            .unwrap();
    std::fs::create_dir_all(dir.join("templates/networkd")).unwrap();
    std::fs::write(
        dir.join("templates/networkd/tunnel.network.j2"),
        format!("{network}{padding}"),
    )
    .unwrap();
    let args = [
        "render",
        "--templates",
        "templates",
        "--out",
        "big",
        "peers",
    ];
    let out = render_limited(&dir, 20 << 10, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let network = std::fs::read(dir.join("big/systemd/network/10-gre-399.network")).unwrap();
    assert!(network.len() > 64 << 10, "{} bytes", network.len());
    // The same run again compares every file and writes none.
    let out = render_limited(&dir, 20 << 10, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 written, 800 unchanged"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
