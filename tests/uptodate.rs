//! An up-to-date output folder is recognised from `.peergen-cache` without rendering, and
//! anything that could make it not up to date sends the run down the ordinary path: a
//! changed input, an output file edited (even keeping its size and mtime), replaced,
//! turned into a symlink, other templates or backends, and a previous run that warned.
//!
//! The fast path is observed through the cache file: the ordinary path removes it before
//! touching the folder and writes it again at the end (a new file, with a new change
//! time), the fast path leaves it alone. Timestamps within two seconds of the cache are not trusted; the tests
//! move the cache's mtime forward ([`settle`]) instead of sleeping, which is what the
//! passing of time does.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, SystemTime};

const CACHE: &str = ".peergen-cache";
const NETDEV: &str = "systemd/network/10-t1.netdev";

/// A folder with three peers, rendered once with networkd into `out`.
fn setup(name: &str) -> PathBuf {
    let dir = support::temp_dir(name);
    support::write_peers(&dir.join("peers"), 0..3, 1);
    let out = render(&dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", support::show(&out));
    dir
}

fn render(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["render", "--backend", "networkd", "--out", "out"];
    args.extend_from_slice(extra);
    args.push("peers");
    support::run(dir, &args)
}

/// Asserts the run's stdout holds `summary` (its "N written, M unchanged" line).
fn assert_says(out: &Output, summary: &str) {
    assert!(stdout(out).contains(summary), "{}", support::show(out));
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The cache file's identity: inode and change time (a file written anew has another
/// change time, even where the inode number is reused).
fn cache_inode(dir: &Path) -> Option<(u64, i64, i64)> {
    std::fs::symlink_metadata(dir.join("out").join(CACHE))
        .ok()
        .map(|m| (m.ino(), m.ctime(), m.ctime_nsec()))
}

/// Makes the recorded timestamps old enough to be trusted: the cache's mtime moves an
/// hour ahead, as if the run that wrote it had ended an hour after the files.
fn settle(dir: &Path) {
    let cache = std::fs::File::options()
        .append(true)
        .open(dir.join("out").join(CACHE))
        .unwrap();
    cache
        .set_modified(SystemTime::now() + Duration::from_secs(3600))
        .unwrap();
}

/// Asserts the run took the fast path: up to date, and the cache (`before`) left as it was.
fn assert_fast(dir: &Path, out: &Output, before: Option<(u64, i64, i64)>) {
    assert!(before.is_some(), "no cache after a quiet run");
    assert_eq!(
        cache_inode(dir),
        before,
        "the cache was rewritten: no fast path"
    );
    assert_eq!(out.status.code(), Some(0), "{}", support::show(out));
    assert_says(out, "0 written, 6 unchanged");
}

#[test]
fn an_unchanged_folder_ends_the_run_as_an_up_to_date_run_does() {
    let dir = setup("uptodate-fast");
    // An up-to-date run on the ordinary path (no cache) and one on the fast path say the
    // same, line for line, also with -v.
    std::fs::remove_file(dir.join("out").join(CACHE)).unwrap();
    let ordinary = support::run(
        &dir,
        &[
            "-v",
            "render",
            "--backend",
            "networkd",
            "--out",
            "out",
            "peers",
        ],
    );
    settle(&dir);
    let recorded = cache_inode(&dir);
    let fast = support::run(
        &dir,
        &[
            "-v",
            "render",
            "--backend",
            "networkd",
            "--out",
            "out",
            "peers",
        ],
    );
    assert_eq!(ordinary.status.code(), fast.status.code());
    assert_eq!(stdout(&ordinary), stdout(&fast));
    assert_eq!(ordinary.stderr, fast.stderr);
    assert!(stdout(&fast).contains("unchanged out/systemd/network/10-t0.netdev"));
    assert_fast(&dir, &fast, recorded);
}

#[test]
fn recent_files_are_compared_by_contents_and_the_cache_kept() {
    let dir = setup("uptodate-racy");
    // Right after the first run every file is as recent as the cache: their contents are
    // compared, they match, and the cache stays.
    let recorded = cache_inode(&dir);
    let out = render(&dir, &[]);
    assert_fast(&dir, &out, recorded);
    // A file changed within the same clock tick as it was recorded keeps every
    // timestamp; the recorded hash no longer matching its contents stands for that.
    let cache = dir.join("out").join(CACHE);
    let text = std::fs::read_to_string(&cache).unwrap();
    let forged: String = text
        .lines()
        .map(|l| match l.strip_suffix(&format!("\t{NETDEV}")) {
            Some(fields) => {
                let (stat, _) = fields.rsplit_once(' ').unwrap();
                format!("{stat} {}\t{NETDEV}\n", "0".repeat(32))
            }
            None => format!("{l}\n"),
        })
        .collect();
    assert_ne!(forged, text);
    std::fs::write(&cache, &forged).unwrap();
    let forged_inode = cache_inode(&dir);
    let out = render(&dir, &[]);
    assert_says(&out, "0 written, 6 unchanged");
    assert_ne!(
        cache_inode(&dir),
        forged_inode,
        "a recent file was trusted on its timestamps"
    );
    // Old enough, the same entries are trusted on their timestamps.
    std::fs::write(&cache, &forged).unwrap();
    settle(&dir);
    let forged_inode = cache_inode(&dir);
    let out = render(&dir, &[]);
    assert_fast(&dir, &out, forged_inode);
}

#[test]
fn a_changed_peer_file_is_rendered() {
    let dir = setup("uptodate-input");
    settle(&dir);
    support::write_peers(&dir.join("peers"), 1..2, 2);
    let out = render(&dir, &[]);
    assert_says(&out, "2 written, 4 unchanged");
    let text = std::fs::read_to_string(dir.join("out").join(NETDEV)).unwrap();
    assert!(text.contains("version 2"), "{text}");
    // A new peer file is an input too.
    settle(&dir);
    support::write_peers(&dir.join("peers"), 3..4, 1);
    let out = render(&dir, &[]);
    assert_says(&out, "2 written, 6 unchanged");
}

#[test]
fn an_output_edited_in_place_with_its_size_and_mtime_kept_is_rewritten() {
    let dir = setup("uptodate-edited");
    let path = dir.join("out").join(NETDEV);
    let text = std::fs::read_to_string(&path).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    settle(&dir);
    // Same inode, same size, mtime put back (as `touch -d` does): only the ctime moved.
    std::fs::write(&path, text.replace("t1", "t9")).unwrap();
    let file = std::fs::File::options().append(true).open(&path).unwrap();
    file.set_modified(meta.modified().unwrap()).unwrap();
    let edited = std::fs::metadata(&path).unwrap();
    assert_eq!(
        (
            edited.ino(),
            edited.len(),
            edited.mtime(),
            edited.mtime_nsec()
        ),
        (meta.ino(), meta.len(), meta.mtime(), meta.mtime_nsec())
    );
    let out = render(&dir, &[]);
    assert_says(&out, "1 written, 5 unchanged");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn an_output_replaced_by_another_file_is_rewritten() {
    let dir = setup("uptodate-replaced");
    let path = dir.join("out").join(NETDEV);
    let text = std::fs::read_to_string(&path).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    settle(&dir);
    let other = dir.join("out/systemd/network/other");
    std::fs::write(&other, text.replace("t1", "t9")).unwrap();
    std::fs::File::options()
        .append(true)
        .open(&other)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
    std::fs::rename(&other, &path).unwrap();
    let out = render(&dir, &[]);
    assert_says(&out, "1 written, 5 unchanged");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_symlink_in_place_of_an_output_is_refused() {
    let dir = setup("uptodate-symlink");
    let path = dir.join("out").join(NETDEV);
    let outside = dir.join("outside.netdev");
    std::fs::copy(&path, &outside).unwrap();
    settle(&dir);
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&outside, &path).unwrap();
    let out = render(&dir, &[]);
    assert_ne!(out.status.code(), Some(0), "{}", support::show(&out));
    assert!(
        support::show(&out).contains("symlink"),
        "{}",
        support::show(&out)
    );
    assert!(std::fs::symlink_metadata(&path)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn other_templates_are_rendered() {
    let dir = setup("uptodate-templates");
    let templates = dir.join("templates/networkd");
    std::fs::create_dir_all(&templates).unwrap();
    let original =
        std::fs::read_to_string(support_root().join("templates/networkd/tunnel.netdev.j2"))
            .unwrap();
    std::fs::write(templates.join("tunnel.netdev.j2"), &original).unwrap();
    let out = render(&dir, &["--templates", "templates"]);
    assert_says(&out, "0 written, 6 unchanged");
    settle(&dir);
    let recorded = cache_inode(&dir);
    let out = render(&dir, &["--templates", "templates"]);
    assert_fast(&dir, &out, recorded);
    std::fs::write(
        templates.join("tunnel.netdev.j2"),
        format!("# local template\n{original}"),
    )
    .unwrap();
    let out = render(&dir, &["--templates", "templates"]);
    assert_says(&out, "3 written, 3 unchanged");
}

#[test]
fn other_backends_are_rendered() {
    let dir = setup("uptodate-backend");
    settle(&dir);
    // networkd and ip: the ip files are new.
    let out = render(&dir, &["--backend", "ip"]);
    assert_says(&out, "6 written, 6 unchanged");
}

#[test]
fn warnings_of_the_previous_run_are_printed_again() {
    let dir = support::temp_dir("uptodate-warnings");
    let peers = dir.join("peers");
    std::fs::create_dir_all(&peers).unwrap();
    // `ttl = "inherit"` on GRE draws a warning.
    std::fs::write(
        peers.join("a.toml"),
        "name = \"gre-a\"\nkind = \"gre\"\n[local]\nendpoint = \"198.51.100.10\"\naddresses = [\"10.0.0.0/31\"]\n[remote]\nendpoint = \"203.0.113.1\"\naddresses = [\"10.0.0.1/31\"]\n[gre]\nttl = \"inherit\"\n",
    )
    .unwrap();
    let first = render(&dir, &[]);
    assert!(
        String::from_utf8_lossy(&first.stderr).contains("warning"),
        "{}",
        support::show(&first)
    );
    // The run recorded what it said: the next one takes the fast path (the cache is
    // left as it is) and says the same.
    settle(&dir);
    let before = cache_inode(&dir);
    assert!(before.is_some(), "no cache after a run with warnings");
    let again = render(&dir, &[]);
    assert_eq!(
        cache_inode(&dir),
        before,
        "the cache was rewritten: no fast path"
    );
    assert_eq!(first.stderr, again.stderr);
    assert_says(&again, "0 written, 2 unchanged");
    // -v says more (every warning, not a count): not the recorded run's inputs.
    let verbose = render(&dir, &["-v"]);
    assert_ne!(cache_inode(&dir), before, "-v took the fast path");
    assert!(
        String::from_utf8_lossy(&verbose.stderr).contains("warning"),
        "{}",
        support::show(&verbose)
    );
}

fn support_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn an_invalid_peer_file_is_reported_and_nothing_written() {
    let dir = setup("uptodate-invalid");
    settle(&dir);
    let before = std::fs::read(dir.join("out").join(NETDEV)).unwrap();
    let peer = dir.join("peers/p00001.toml");
    let text = std::fs::read_to_string(&peer).unwrap();
    std::fs::write(
        &peer,
        text.replace("kind = \"ip6gre\"", "kind = \"ip7gre\""),
    )
    .unwrap();
    let out = render(&dir, &[]);
    assert_eq!(out.status.code(), Some(65), "{}", support::show(&out));
    assert!(
        support::show(&out).contains("p00001.toml"),
        "{}",
        support::show(&out)
    );
    assert_eq!(std::fs::read(dir.join("out").join(NETDEV)).unwrap(), before);
}
