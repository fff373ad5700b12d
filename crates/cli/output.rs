//! Where rendered files go: stdout, a directory, or a comparison with a directory.
//!
//! Writing into a directory also writes `.peergen-manifest`, the list of files this run
//! rendered with their modes (a repo keeps only the executable bit, so deployment takes
//! the modes from here). The next run compares against it: files of peers that no longer exist are
//! reported (and deleted with `--prune`), and `--check` treats them as drift, so a
//! removed peer cannot leave a live tunnel configuration behind unnoticed.

use std::os::unix::fs::PermissionsExt as _;

use std::collections::{HashMap, HashSet};
use std::io::Write as _;

use camino::Utf8Path;
use peergen_render::RenderedFile;

use crate::exit::Exit;
use crate::manifest::{self, Plan, Produced, MANIFEST};
use crate::present;
use crate::write::{write_atomic, Durability, Overwrite};

/// Prints each file after a `==> PATH (mode 0644) <==` line.
pub fn print<'a>(files: impl Iterator<Item = &'a RenderedFile>) -> Exit {
    // One buffered stream: stdout is line-buffered, which would mean a write(2) per line.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    for (i, file) in files.enumerate() {
        let sep = if i == 0 { "" } else { "\n" };
        let result = write!(
            out,
            "{sep}==> {} (mode {:04o}) <==\n{}",
            file.path, file.mode, file.contents
        );
        if let Err(err) = result {
            return stdout_failed(&err);
        }
    }
    match out.flush() {
        Ok(()) => Exit::Ok,
        Err(err) => stdout_failed(&err),
    }
}

/// A closed pipe (`| head`) ends quietly; other errors are reported.
fn stdout_failed(err: &std::io::Error) -> Exit {
    if err.kind() != std::io::ErrorKind::BrokenPipe {
        present::error(&format!("cannot write to stdout: {err}"));
    }
    Exit::IoError
}

fn current(path: &Utf8Path) -> Option<(String, u32)> {
    let bytes = std::fs::read(path).ok()?;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o7777;
    Some((String::from_utf8_lossy(&bytes).into_owned(), mode))
}

/// Writes every file under `dir` (unchanged files are left alone), then the manifest;
/// reports files of removed peers and deletes them with `prune`.
pub fn write(dir: &Utf8Path, produced: &[Produced<'_>], plan: &Plan, prune: bool) -> Exit {
    let mut keep = plan.carried.clone();
    if !prune {
        // Listed until pruned, so a later `--prune` still finds them.
        keep.extend(plan.orphan_entries.iter().cloned());
    }
    let manifest = manifest::file(produced, &keep);
    let files: Vec<&RenderedFile> = produced.iter().map(|p| p.file).collect();
    let (stale, unchanged) = match stale_files(dir, &files) {
        Ok(split) => split,
        Err(exit) => return exit,
    };
    // One writer: files mostly share a folder, and parallel writers only contend for its
    // lock (measured: same wall time, more kernel time). The manifest goes last, once the
    // files it lists are in place.
    let failures: Vec<Option<String>> = stale
        .iter()
        .map(|file| {
            write_atomic(
                dir.join(&file.path).as_std_path(),
                file.contents.as_bytes(),
                file.mode,
                Overwrite::Replace,
                Durability::Atomic,
            )
            .err()
            .map(|err| format!("cannot write {}: {err}", dir.join(&file.path)))
        })
        .collect();
    if let Some(message) = failures.into_iter().flatten().next() {
        present::error(&message);
        return Exit::IoError;
    }
    let manifest_path = dir.join(MANIFEST);
    if !current(&manifest_path)
        .is_some_and(|(text, mode)| text == manifest.contents && mode == manifest.mode)
    {
        if let Err(err) = write_atomic(
            manifest_path.as_std_path(),
            manifest.contents.as_bytes(),
            manifest.mode,
            Overwrite::Replace,
            Durability::Atomic,
        ) {
            present::error(&format!("cannot write {manifest_path}: {err}"));
            return Exit::IoError;
        }
    }
    let mut report = String::new();
    for file in &stale {
        report.push_str(&format!("wrote {}\n", dir.join(&file.path)));
    }
    crate::out!("{report}");
    let written = stale.len();
    let mut removed = 0usize;
    for orphan in &plan.orphans {
        let path = dir.join(orphan);
        if prune {
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    removed += 1;
                    crate::outln!("removed {path} (nothing renders it any more)");
                }
                Err(err) => {
                    present::error(&format!("cannot remove {path}: {err}"));
                    return Exit::IoError;
                }
            }
        } else {
            present::warning(&format!("{path} was rendered for a peer file that is gone, or that no longer produces it; remove it, or run again with --prune"));
        }
    }
    crate::outln!("{written} written, {unchanged} unchanged, {removed} removed in {dir}");
    Exit::Ok
}

/// Splits `files` into those whose bytes or mode differ from `dir` and the number that
/// are already right, creating missing folders on the way. Each folder is listed once
/// instead of probing every file, which matters with thousands of files.
fn stale_files<'a>(
    dir: &Utf8Path,
    files: &[&'a RenderedFile],
) -> Result<(Vec<&'a RenderedFile>, usize), Exit> {
    // Keyed by string: hashing a `Path` walks its components, which is slow in bulk.
    let mut present_in: HashMap<String, HashSet<String>> = HashMap::new();
    let mut stale = Vec::with_capacity(files.len());
    let mut unchanged = 0usize;
    for file in files {
        let path = dir.join(&file.path);
        let parent = path.parent().unwrap_or(dir);
        if !present_in.contains_key(parent.as_str()) {
            let names = match parent.read_dir_utf8() {
                Ok(entries) => entries
                    .filter_map(|e| e.ok().map(|e| e.file_name().to_owned()))
                    .collect(),
                Err(_) => {
                    if let Err(err) = std::fs::create_dir_all(parent) {
                        present::error(&format!("cannot create {parent}: {err}"));
                        return Err(Exit::CantCreate);
                    }
                    HashSet::new()
                }
            };
            present_in.insert(parent.as_str().to_owned(), names);
        }
        let exists = path
            .file_name()
            .is_some_and(|name| present_in[parent.as_str()].contains(name));
        if exists
            && current(&path).is_some_and(|(text, mode)| text == file.contents && mode == file.mode)
        {
            unchanged += 1;
        } else {
            stale.push(*file);
        }
    }
    Ok((stale, unchanged))
}

/// Compares each file (and the manifest) with what is in `dir`; prints a unified diff per
/// stale, missing or extra file and a line per mode mismatch. Of the mode only the
/// executable bit is compared: it is all a git checkout keeps (a fresh clone has 0644
/// for a file written 0600); the manifest records the full modes.
pub fn check(dir: &Utf8Path, produced: &[Produced<'_>], plan: &Plan) -> Exit {
    let mut stale = 0usize;
    let manifest = manifest::file(produced, &plan.carried);
    for file in produced
        .iter()
        .map(|p| p.file)
        .chain(std::iter::once(&manifest))
    {
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
    for orphan in &plan.orphans {
        stale += 1;
        let path = dir.join(orphan);
        crate::outln!("extra: {path} (nothing renders it any more)");
        let text = current(&path).map(|(t, _)| t).unwrap_or_default();
        print_diff(path.as_str(), "/dev/null", &text, "");
    }
    if stale == 0 {
        crate::outln!("up to date: {} files in {dir}", produced.len());
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
    // `a/PATH` and `b/PATH` as git writes them, also for absolute paths.
    let label = |prefix: &str, name: &str| match name {
        "/dev/null" => name.to_owned(),
        _ => format!("{prefix}/{}", name.trim_start_matches('/')),
    };
    let (old_label, new_label) = (label("a", old_name), label("b", new_name));
    crate::out!(
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&old_label, &new_label)
    );
}
