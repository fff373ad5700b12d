//! `render --out` and `render --out --prune` killed with SIGKILL at random points (a
//! seeded generator, so a failure repeats) while the peer set changes between runs:
//! after every kill each file in the folder is a whole version that peergen renders, the
//! manifest is whole and lists every file peergen wrote, and a final run converges so
//! that `--check` is clean.
//!
//! 10,000 peers by default; `PEERGEN_KILL_PEERS` sets fewer for a quick local run and
//! `PEERGEN_KILL_SEED` another seed.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod support;

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use support::{run, show, temp_dir, write_peers};

/// A small linear congruential generator (Knuth's MMIX constants): repeatable, no crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Every version of every file the two peer sets render: path → (mode, contents).
type Known = HashMap<String, Vec<(u32, String)>>;

/// Parses `render` output on stdout (`==> PATH (mode 0644) <==` before each file).
fn add_printed(known: &mut Known, stdout: &[u8]) {
    let text = String::from_utf8(stdout.to_vec()).unwrap();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("==> ") {
        let header_end = rest[start..].find(" <==\n").unwrap() + start;
        let header = &rest[start + 4..header_end];
        let (path, mode) = header.rsplit_once(" (mode ").unwrap();
        let mode = u32::from_str_radix(mode.trim_end_matches(')'), 8).unwrap();
        let body_start = header_end + 5;
        // Each file ends with a newline; one more newline separates it from the next
        // header, so the next "\n==> " begins right after the body.
        let body_end = rest[body_start..]
            .find("\n==> ")
            .map_or(rest.len(), |i| body_start + i);
        known
            .entry(path.to_owned())
            .or_default()
            .push((mode, rest[body_start..body_end].to_owned()));
        rest = &rest[(body_end + 1).min(rest.len())..];
    }
}

/// Points the `in` link of `dir` at `set` (atomically, as a peer repo checkout would
/// switch branches), so peer files keep their paths across sets.
fn switch(dir: &Path, set: &str) {
    let tmp = dir.join("in.new");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(set, &tmp).unwrap();
    std::fs::rename(&tmp, dir.join("in")).unwrap();
}

/// All files below `root`, relative, with their modes and contents.
fn files(root: &Path) -> Vec<(String, u32, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let meta = std::fs::symlink_metadata(entry.path()).unwrap();
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                let rel = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned();
                let bytes = std::fs::read(entry.path()).unwrap();
                out.push((rel, meta.permissions().mode() & 0o7777, bytes));
            }
        }
    }
    out
}

fn is_temp(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap();
    name.starts_with('.') && name.contains(".peergen-") && name.ends_with(".tmp")
}

/// The invariants that must hold at any instant, including right after a kill.
fn verify(out: &Path, known: &Known, when: &str) {
    if !out.exists() {
        return;
    }
    let found = files(out);
    let manifest = found.iter().find(|(rel, _, _)| rel == ".peergen-manifest");
    let listed: HashSet<String> = match manifest {
        Some((_, _, bytes)) => {
            let text = std::str::from_utf8(bytes).unwrap();
            assert!(
                text.starts_with("# peergen manifest 2:"),
                "{when}: manifest header"
            );
            assert!(text.ends_with('\n'), "{when}: manifest is whole");
            text.lines()
                .filter(|l| !l.starts_with('#'))
                .map(|l| {
                    assert_eq!(l.split('\t').count(), 5, "{when}: manifest line {l:?}");
                    l.rsplit('\t').next().unwrap().to_owned()
                })
                .collect()
        }
        None => HashSet::new(),
    };
    // A cache of the folder's state exists only while the folder is exactly as the
    // run that wrote it left it: every file it lists is the very file it recorded.
    if let Some((_, _, bytes)) = found.iter().find(|(rel, _, _)| rel == ".peergen-cache") {
        use std::os::unix::fs::MetadataExt as _;
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with("# peergen cache 2:"),
            "{when}: cache header"
        );
        assert!(text.ends_with('\n'), "{when}: cache is whole");
        // header, inputs digest, what the run said; then one line per file
        for line in text.lines().skip(3) {
            let (fields, rel) = line.split_once('\t').unwrap();
            let fields: Vec<&str> = fields.split(' ').collect();
            let meta = std::fs::symlink_metadata(out.join(rel))
                .unwrap_or_else(|e| panic!("{when}: {rel} is in the cache but gone: {e}"));
            assert_eq!(
                (meta.len().to_string(), meta.ino().to_string()),
                (fields[0].to_owned(), fields[3].to_owned()),
                "{when}: {rel} is not the file the cache recorded"
            );
        }
    }
    for (rel, mode, bytes) in &found {
        if is_temp(rel) || rel == ".peergen-manifest" || rel == ".peergen-cache" {
            continue;
        }
        let versions = known
            .get(rel)
            .unwrap_or_else(|| panic!("{when}: {rel} is no file peergen renders"));
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(
            versions.iter().any(|(m, t)| m == mode && t == text),
            "{when}: {rel} (mode {mode:o}) is not a whole version peergen renders:\n{text}"
        );
        assert!(
            listed.contains(rel),
            "{when}: {rel} was written but the manifest does not list it"
        );
    }
}

/// Waits until `child` starts changing `out` (a folder's modification time moves: a file
/// was created, renamed or removed in it) or ends; says whether it started.
fn until_writing(mut child: Child, out: &Path) -> (Child, bool) {
    let watched = [out.to_path_buf(), out.join("systemd/network")];
    let stamp = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let before: Vec<_> = watched.iter().map(|p| stamp(p)).collect();
    let deadline = Instant::now() + support::HANG;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return (child, false);
        }
        if watched.iter().zip(&before).any(|(p, b)| stamp(p) != *b) {
            return (child, true);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("the run neither wrote nor ended within {:?}", support::HANG);
}

#[test]
fn killed_runs_leave_whole_files_and_a_complete_manifest() {
    let peers = usize::try_from(env_number("PEERGEN_KILL_PEERS", 10_000)).unwrap();
    let mut rng = Lcg(env_number("PEERGEN_KILL_SEED", 0x5eed));
    let dir = temp_dir("kill");
    // Set A: peers 0..n at version 0. Set B: without the first tenth, the second tenth
    // changed, a tenth more at the end: runs then replace, add and orphan files.
    let tenth = peers / 10;
    write_peers(&dir.join("set-a"), 0..peers, 0);
    write_peers(&dir.join("set-b"), 2 * tenth..peers + tenth, 0);
    write_peers(&dir.join("set-b"), tenth..2 * tenth, 1);
    let backends = "networkd";

    // Every version of every file, from printing both sets.
    let mut known = Known::new();
    for set in ["set-a", "set-b"] {
        switch(&dir, set);
        let printed = run(&dir, &["render", "-b", backends, "in"]);
        assert_eq!(printed.status.code(), Some(0), "{}", show(&printed));
        add_printed(&mut known, &printed.stdout);
    }
    assert!(known.len() >= peers * 2, "{} files known", known.len());

    // A first complete run, which also tells how long writing takes here.
    switch(&dir, "set-a");
    let first = support::command(&dir, &["render", "-b", backends, "-o", "out", "in"], "022")
        .spawn()
        .unwrap();
    let (first, writing) = until_writing(first, &dir.join("out"));
    let started = Instant::now();
    let first = support::wait(first, support::HANG, "the first run");
    assert_eq!(first.status.code(), Some(0), "{}", show(&first));
    assert!(writing, "the first run wrote files");
    // The first run writes every file; later runs write a fifth of them.
    let window = u64::try_from(started.elapsed().as_millis() / 4)
        .unwrap()
        .max(20);
    verify(&dir.join("out"), &known, "after the first run");

    let iterations = env_number("PEERGEN_KILL_ITERATIONS", 6);
    for i in 1..=iterations {
        let set = if i % 2 == 1 { "set-b" } else { "set-a" };
        switch(&dir, set);
        let mut args = vec!["render", "-b", backends, "-o", "out", "in"];
        if i % 3 != 0 {
            args.push("--prune");
        }
        // Somewhere in the part of the run that changes the folder, sometimes past its
        // end; waiting for the first change skips the reading and rendering before it.
        let delay = window * (rng.next() % 1200) / 1000;
        let child = support::command(&dir, &args, "022").spawn().unwrap();
        let (mut child, _) = until_writing(child, &dir.join("out"));
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        child.wait().unwrap();
        verify(
            &dir.join("out"),
            &known,
            &format!("after killing run {i} ({set}, {args:?}) {delay} ms into writing"),
        );
    }

    // The next complete run converges, and removes the leftovers.
    switch(&dir, "set-b");
    let last = run(
        &dir,
        &["render", "-b", backends, "-o", "out", "--prune", "in"],
    );
    assert_eq!(last.status.code(), Some(0), "{}", show(&last));
    verify(&dir.join("out"), &known, "after the final run");
    let check = run(
        &dir,
        &["render", "-b", backends, "-o", "out", "--check", "in"],
    );
    assert_eq!(check.status.code(), Some(0), "{}", show(&check));
    let temps: Vec<String> = files(&dir.join("out"))
        .into_iter()
        .map(|(rel, _, _)| rel)
        .filter(|rel| is_temp(rel))
        .collect();
    assert!(temps.is_empty(), "leftover temporary files: {temps:?}");
}
