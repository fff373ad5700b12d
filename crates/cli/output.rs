//! Where rendered files go: stdout, a directory, or a comparison with a directory.
//!
//! Writing into a directory also writes `.peergen-manifest`, the list of files this run
//! rendered with their modes (a repo keeps only the executable bit, so deployment takes
//! the modes from here). The next run compares against it: files of peers that no longer exist are
//! reported (and deleted with `--prune`), and `--check` treats them as drift, so a
//! removed peer cannot leave a live tunnel configuration behind unnoticed.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt as _;

use camino::{Utf8Path, Utf8PathBuf};
use peergen_render::RenderedFile;

use crate::exit::Exit;
use crate::present;
use crate::write::{write_atomic, Overwrite};

/// The manifest's file name inside the output directory.
pub const MANIFEST: &str = ".peergen-manifest";

/// Prints each file after a `==> PATH (mode 0644) <==` line.
pub fn print(files: &[RenderedFile]) -> Exit {
    for (i, file) in files.iter().enumerate() {
        let sep = if i == 0 { "" } else { "\n" };
        crate::out!(
            "{sep}==> {} (mode {:04o}) <==\n{}",
            file.path,
            file.mode,
            file.contents
        );
    }
    Exit::Ok
}

/// The manifest listing `files` and `kept` (orphans not pruned yet, so a later `--prune`
/// still finds them), sorted so its bytes only change with the set.
fn manifest(files: &[RenderedFile], kept: &[Utf8PathBuf]) -> RenderedFile {
    let mut contents = String::from(
        "# Files peergen rendered into this folder, to find those of removed peers.\n# Generated; do not edit.\n",
    );
    let mut entries: Vec<(&Utf8Path, Option<u32>)> = files
        .iter()
        .map(|f| (f.path.as_path(), Some(f.mode)))
        .chain(kept.iter().map(|p| (p.as_path(), None)))
        .collect();
    entries.sort();
    entries.dedup_by(|a, b| a.0 == b.0);
    for (path, mode) in entries {
        // Files kept for a later --prune are listed without a mode: nothing renders them.
        let mode = mode.map_or_else(|| "----".to_owned(), |m| format!("{m:04o}"));
        contents.push_str(&format!("{mode} {path}\n"));
    }
    RenderedFile {
        path: MANIFEST.into(),
        mode: 0o644,
        contents,
    }
}

/// The files the previous run listed, ignoring entries that could escape the folder.
fn previous(dir: &Utf8Path) -> BTreeSet<Utf8PathBuf> {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) else {
        return BTreeSet::new();
    };
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split_once(' ').map(|(_, path)| Utf8PathBuf::from(path)))
        .filter(|p| {
            p.is_relative()
                && p.components()
                    .all(|c| matches!(c, camino::Utf8Component::Normal(_)))
        })
        .collect()
}

/// Files the previous run wrote that this run does not render.
fn orphans(dir: &Utf8Path, files: &[RenderedFile]) -> Vec<Utf8PathBuf> {
    let now: BTreeSet<&Utf8Path> = files.iter().map(|f| f.path.as_path()).collect();
    previous(dir)
        .into_iter()
        .filter(|p| !now.contains(p.as_path()) && dir.join(p).is_file())
        .collect()
}

fn current(path: &Utf8Path) -> Option<(String, u32)> {
    let bytes = std::fs::read(path).ok()?;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o7777;
    Some((String::from_utf8_lossy(&bytes).into_owned(), mode))
}

/// Writes every file under `dir` (unchanged files are left alone), then the manifest;
/// reports files of removed peers and deletes them with `prune`.
pub fn write(dir: &Utf8Path, files: &[RenderedFile], prune: bool) -> Exit {
    let orphans = orphans(dir, files);
    let kept: &[Utf8PathBuf] = if prune { &[] } else { &orphans };
    let manifest = manifest(files, kept);
    let (mut written, mut unchanged) = (0usize, 0usize);
    for file in files.iter().chain(std::iter::once(&manifest)) {
        let path = dir.join(&file.path);
        if current(&path).is_some_and(|(text, mode)| text == file.contents && mode == file.mode) {
            if file.path != MANIFEST {
                unchanged += 1;
            }
            continue;
        }
        if let Some(parent) = path.parent() {
            if let Err(err) = std::fs::create_dir_all(parent) {
                present::error(&format!("cannot create {parent}: {err}"));
                return Exit::CantCreate;
            }
        }
        if let Err(err) = write_atomic(
            path.as_std_path(),
            file.contents.as_bytes(),
            file.mode,
            Overwrite::Replace,
        ) {
            present::error(&format!("cannot write {path}: {err}"));
            return Exit::IoError;
        }
        if file.path != MANIFEST {
            written += 1;
            crate::outln!("wrote {path}");
        }
    }
    for orphan in &orphans {
        let path = dir.join(orphan);
        if prune {
            match std::fs::remove_file(&path) {
                Ok(()) => crate::outln!("removed {path} (its peer no longer exists)"),
                Err(err) => {
                    present::error(&format!("cannot remove {path}: {err}"));
                    return Exit::IoError;
                }
            }
        } else {
            present::warning(&format!("{path} is in {MANIFEST} but this run did not render it (its peer was removed, or this run covers other peers or backends); remove it, or run again with --prune"));
        }
    }
    crate::outln!("{written} written, {unchanged} unchanged in {dir}");
    Exit::Ok
}

/// Compares each file (and the manifest) with what is in `dir`; prints a unified diff per
/// stale, missing or extra file and a line per mode mismatch. Of the mode only the
/// executable bit is compared: it is all a git checkout keeps (a fresh clone has 0644
/// for a file written 0600); the manifest records the full modes.
pub fn check(dir: &Utf8Path, files: &[RenderedFile]) -> Exit {
    let mut stale = 0usize;
    let manifest = manifest(files, &[]);
    for file in files.iter().chain(std::iter::once(&manifest)) {
        let path = dir.join(&file.path);
        match current(&path) {
            None => {
                stale += 1;
                crate::outln!("missing: {path}");
                print_diff("/dev/null", path.as_str(), "", &file.contents);
            }
            Some((text, _)) if text != file.contents => {
                stale += 1;
                crate::outln!("stale: {path}");
                print_diff(path.as_str(), path.as_str(), &text, &file.contents);
            }
            Some((_, mode)) if (mode & 0o111 != 0) != (file.mode & 0o111 != 0) => {
                stale += 1;
                let should = if file.mode & 0o111 != 0 {
                    "executable"
                } else {
                    "not executable"
                };
                crate::outln!(
                    "mode: {path} is {mode:04o}, should be {should} ({:04o})",
                    file.mode
                );
            }
            Some(_) => {}
        }
    }
    for orphan in orphans(dir, files) {
        stale += 1;
        let path = dir.join(&orphan);
        crate::outln!("extra: {path} (its peer no longer exists)");
        let text = current(&path).map(|(t, _)| t).unwrap_or_default();
        print_diff(path.as_str(), "/dev/null", &text, "");
    }
    if stale == 0 {
        crate::outln!("up to date: {} files in {dir}", files.len());
        Exit::Ok
    } else {
        eprintln!(
            "{stale} file(s) in {dir} differ from what peergen renders; render without --check (and with --prune for extra files) to update them"
        );
        Exit::Drift
    }
}

fn print_diff(old_name: &str, new_name: &str, old: &str, new: &str) {
    let diff = similar::TextDiff::from_lines(old, new);
    let old_label = if old_name == "/dev/null" {
        old_name.to_owned()
    } else {
        format!("a/{old_name}")
    };
    let new_label = if new_name == "/dev/null" {
        new_name.to_owned()
    } else {
        format!("b/{new_name}")
    };
    crate::out!(
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&old_label, &new_label)
    );
}
