//! Where rendered files go: stdout, a directory, or a comparison with a directory.
//!
//! Writing into a directory also writes `.peergen-manifest`, the list of files this run
//! rendered with their modes (a repo keeps only the executable bit, so deployment takes
//! the modes from here). The next run compares against it: files of peers that no longer exist are
//! reported (and deleted with `--prune`), and `--check` treats them as drift, so a
//! removed peer cannot leave a live tunnel configuration behind unnoticed. All access to
//! the folder goes through [`Folder`], which never follows a symlink below it.
//!
//! Writing lists the files that changed and ends with one summary line; checking lists
//! only what differs. Unchanged files are listed only with `-v` (see [`verbosity`]), so a
//! run over a thousand peers that changes one prints two lines.

use std::io::Write as _;

use peergen_core::Side;
use peergen_render::RenderedFile;

use crate::exit::Exit;
use crate::folder::{Folder, Found};
use crate::manifest::{self, Existing, Plan, Produced, MANIFEST};
use crate::{present, uptodate, verbosity};

/// Prints each file after a `==> PATH (mode 0644) <==` line.
pub fn print<'a>(files: impl Iterator<Item = &'a RenderedFile>) -> Exit {
    // One buffered stream: stdout is line-buffered, which would mean a write(2) per line.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    for (i, file) in files.enumerate() {
        let sep: &[u8] = if i == 0 { b"" } else { b"\n" };
        // Written piece by piece rather than through `write!`, whose formatting took
        // longer than copying the contents.
        let mode = format_mode(file.mode);
        let result = [
            sep,
            b"==> ",
            file.path.as_str().as_bytes(),
            b" (mode ",
            &mode,
            b") <==\n",
            file.contents.as_bytes(),
        ]
        .iter()
        .try_for_each(|piece| out.write_all(piece));
        if let Err(err) = result {
            return stdout_failed(&err);
        }
    }
    match out.flush() {
        Ok(()) => Exit::Ok,
        Err(err) => stdout_failed(&err),
    }
}

/// A file mode as four octal digits (`0644`), as `{:04o}` writes it: rendered files have
/// permission bits only.
fn format_mode(mode: u32) -> [u8; 4] {
    debug_assert!(mode <= 0o7777, "{mode:o}");
    let digit = |shift: u32| b'0' + ((mode >> shift) & 0o7) as u8;
    [digit(9), digit(6), digit(3), digit(0)]
}

/// A closed pipe (`| head`) ends quietly; other errors are reported.
fn stdout_failed(err: &std::io::Error) -> Exit {
    if err.kind() != std::io::ErrorKind::BrokenPipe {
        present::error(&format!("cannot write to stdout: {err}"));
    }
    Exit::IoError
}

/// The most of an existing file `--check` reads: rendered files are a few KiB, so
/// anything larger is shown as different without its contents.
const READ_CAP: u64 = 4 << 20;

/// Renders the files of one job (a peer and a backend), in any order of jobs, or gives
/// them as rendered before. The files must be those [`write`] was given in `produced`,
/// now with their contents.
pub type Render<'a> =
    dyn Fn(usize) -> Result<std::borrow::Cow<'a, [RenderedFile]>, Exit> + Sync + 'a;

/// Writes every file into `folder` (unchanged files are left alone); reports files of
/// removed peers and deletes them with `prune`. `produced` lists every file (paths and
/// modes; its contents are not used); `render` gives each of the `jobs` their contents,
/// which are compared and written as they come, on every core, and dropped: memory does
/// not grow with the number of files.
///
/// The order keeps the manifest a superset of what peergen wrote at every instant, so a
/// run killed anywhere is finished by the next one: first the manifest listing the old and
/// the new files, then the files, then the removals (a file already gone counts as
/// removed), and last the manifest listing only what remains. Anything in the way of a
/// file (a symlink, a folder) is refused before the first write.
#[allow(clippy::too_many_arguments)]
pub fn write(
    folder: &Folder,
    existing: &Existing,
    produced: &[Produced<'_>],
    side: Side,
    plan: &Plan,
    prune: bool,
    record: Option<&str>,
    jobs: usize,
    render: &Render<'_>,
) -> Exit {
    let job = Job {
        folder,
        produced,
        side,
        plan,
        prune,
        record,
    };
    match job.run(existing, jobs, render) {
        Ok(exit) | Err(exit) => exit,
    }
}

/// The size of the pieces the cache's lines are gathered in.
const CACHE_CHUNK: usize = 64 * 1024;

/// What one writing thread did.
struct Tally {
    /// Reused for the bytes of each existing file compared.
    scratch: Vec<u8>,
    /// The files written, as indices into `produced` (which is in path order): a path
    /// each would hold tens of thousands of copies until the end.
    written: Vec<usize>,
    unchanged: usize,
    /// The cache lines of the files (when the run is to be recorded), in chunks of about
    /// [`CACHE_CHUNK`] bytes: one growing string would hold up to twice its length…
    cache: Vec<String>,
    /// …and whether every file could be recorded.
    recordable: bool,
}

impl Tally {
    fn new() -> Self {
        Self {
            scratch: Vec::new(),
            written: Vec::new(),
            unchanged: 0,
            cache: Vec::new(),
            recordable: true,
        }
    }
}

struct Job<'a> {
    folder: &'a Folder,
    produced: &'a [Produced<'a>],
    side: Side,
    plan: &'a Plan,
    prune: bool,
    /// The digest of this run's inputs, recorded in the folder's cache if the run ends
    /// with the folder holding exactly what it rendered, having said nothing on stderr.
    record: Option<&'a str>,
}

impl Job<'_> {
    fn run(&self, existing: &Existing, jobs: usize, render: &Render<'_>) -> Result<Exit, Exit> {
        let Self {
            folder,
            produced,
            side,
            plan,
            prune,
            record,
        } = *self;
        for p in produced {
            folder.check_place(&p.file.path)?;
        }
        // The folder is about to change: a run killed from here on leaves no cache.
        uptodate::forget(folder)?;
        let mut listed = plan.carried.clone();
        listed.extend(plan.orphans.iter().cloned());
        let union = manifest::file(produced, side, &listed);
        let on_disk = existing
            .current
            .as_ref()
            .map(|(text, mode)| (text.as_str(), *mode));
        write_manifest(folder, &union, on_disk)?;
        // The folder's manifest is now `union`; not kept: tens of thousands of lines.
        drop(union);
        let tallies = crate::parallel::try_each(jobs, Tally::new, |tally, i| {
            for file in render(i)?.iter() {
                if folder.is_current_with(
                    &file.path,
                    &file.contents,
                    file.mode,
                    &mut tally.scratch,
                )? {
                    tally.unchanged += 1;
                } else {
                    folder.write(&file.path, file.contents.as_bytes(), file.mode)?;
                    // Every file rendered is one `produced` declares (checked when it
                    // was rendered), so the search finds it.
                    if let Ok(i) =
                        produced.binary_search_by(|p| p.file.path.as_str().cmp(file.path.as_str()))
                    {
                        tally.written.push(i);
                    }
                }
                // Taken here, on every core, once the file is final for this run.
                if record.is_some() {
                    let hash = uptodate::content_hash(file.contents.as_bytes());
                    let stat = folder.stat(&file.path)?;
                    let full = tally.cache.last().map(|c| c.len() + 512 > CACHE_CHUNK);
                    if full != Some(false) {
                        tally.cache.push(String::with_capacity(CACHE_CHUNK));
                    }
                    if let Some(chunk) = tally.cache.last_mut() {
                        tally.recordable &= uptodate::push(chunk, &file.path, hash, stat);
                    }
                }
            }
            Ok(())
        })?;
        let unchanged: usize = tallies.iter().map(|t| t.unchanged).sum();
        let recordable = tallies.iter().all(|t| t.recordable);
        let mut cache = Vec::with_capacity(tallies.len());
        let mut written: Vec<usize> = Vec::new();
        for t in tallies {
            written.extend(t.written);
            cache.extend(t.cache);
        }
        written.sort_unstable();
        report_written(folder, produced, &written);
        let mut removed = 0usize;
        let mut left = verbosity::Capped::default();
        for orphan in &plan.orphans {
            let path = folder.show(&orphan.path);
            if prune {
                folder.remove(&orphan.path)?;
                removed += 1;
                crate::outln!("removed {path} (nothing renders it any more)");
            } else {
                left.warning(&format!("{path} was rendered for a peer file that is gone, or that no longer produces it; remove it, or run again with --prune"));
            }
        }
        left.finish(|n| format!("{n} more files in {} were rendered for peer files that are gone, or that no longer produce them (not listed; -v lists each); run again with --prune to remove them", folder.path()));
        // Without orphans the final manifest is the one written first.
        if prune && !plan.orphans.is_empty() {
            let last = manifest::file(produced, side, &plan.carried);
            write_manifest(folder, &last, None)?;
        }
        // The folder now holds exactly this run's files (and its manifest).
        let exact = recordable && plan.carried.is_empty() && (prune || plan.orphans.is_empty());
        if let Some(inputs) = record.filter(|_| exact) {
            uptodate::record(folder, inputs, &present::said_text(), &cache)?;
        }
        crate::outln!(
            "{} written, {unchanged} unchanged, {removed} removed in {}",
            written.len(),
            folder.path()
        );
        Ok(Exit::Ok)
    }
}

/// Ends a run that found the folder up to date without rendering ([`uptodate`]): the
/// same lines an up-to-date run prints, for `files` (in path order).
pub fn up_to_date(folder: &Folder, files: &[camino::Utf8PathBuf]) -> Exit {
    if verbosity::verbose() {
        let mut report = String::new();
        for file in files {
            report.push_str(&format!("unchanged {}\n", folder.show(file)));
        }
        crate::out!("{report}");
    }
    crate::outln!(
        "0 written, {} unchanged, 0 removed in {}",
        files.len(),
        folder.path()
    );
    Exit::Ok
}

/// Prints `wrote PATH` for each file written, in path order; with `-v` also
/// `unchanged PATH` for each file that was already right, so the log lists every file.
fn report_written(folder: &Folder, produced: &[Produced<'_>], written: &[usize]) {
    // Printed in pieces: the lines of a run of tens of thousands of files would be one
    // more copy of every path.
    let mut report = String::new();
    let mut line = |what: &str, p: &Produced<'_>| {
        report.push_str(&format!("{what} {}\n", folder.show(&p.file.path)));
        if report.len() > 64 * 1024 {
            crate::out!("{report}");
            report.clear();
        }
    };
    if verbosity::verbose() {
        // `written` is an ascending subsequence of the indices of `produced`.
        let mut written = written.iter().peekable();
        for (i, p) in produced.iter().enumerate() {
            let was_written = written.next_if(|w| **w == i).is_some();
            line(if was_written { "wrote" } else { "unchanged" }, p);
        }
    } else {
        for p in written.iter().filter_map(|&i| produced.get(i)) {
            line("wrote", p);
        }
    }
    crate::out!("{report}");
}

/// Writes the manifest unless `on_disk` already holds exactly it.
fn write_manifest(
    folder: &Folder,
    manifest: &RenderedFile,
    on_disk: Option<(&str, u32)>,
) -> Result<(), Exit> {
    if on_disk.is_some_and(|(text, mode)| text == manifest.contents && mode == manifest.mode) {
        return Ok(());
    }
    folder.write(&manifest.path, manifest.contents.as_bytes(), manifest.mode)
}

/// Compares each file (and the manifest) with what is in `folder`; prints a unified diff
/// per stale, missing or extra file and a line per mode mismatch. Of the mode only the
/// executable bit is compared: it is all a git checkout keeps (a fresh clone has 0644
/// for a file written 0600); the manifest records the full modes. Only regular files are
/// read, never through a symlink, and at most a few MiB of each.
pub fn check(
    folder: &mut Folder,
    existing: &Existing,
    produced: &[Produced<'_>],
    side: Side,
    plan: &Plan,
) -> Exit {
    match try_check(folder, existing, produced, side, plan) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn try_check(
    folder: &mut Folder,
    existing: &Existing,
    produced: &[Produced<'_>],
    side: Side,
    plan: &Plan,
) -> Result<Exit, Exit> {
    let mut stale = 0usize;
    let manifest = manifest::file(produced, side, &plan.carried);
    for file in produced
        .iter()
        .map(|p| p.file)
        .chain(std::iter::once(&manifest))
    {
        let path = folder.show(&file.path);
        let found = if file.path.as_str() == MANIFEST {
            match &existing.current {
                Some((text, mode)) => Found::Regular {
                    text: Some(text.clone()),
                    size: text.len() as u64,
                    mode: *mode,
                },
                None => Found::Absent,
            }
        } else {
            folder.read(&file.path, READ_CAP)?
        };
        match found {
            Found::Absent => {
                stale += 1;
                crate::outln!("missing: {path}");
                print_diff("/dev/null", path.as_str(), "", &file.contents);
            }
            Found::Other(what) => {
                stale += 1;
                crate::outln!("stale: {path} is {what}, not a regular file (not followed, not shown); remove it and render again");
            }
            Found::Regular {
                text: None, size, ..
            } => {
                stale += 1;
                crate::outln!(
                    "stale: {path} has {size} bytes, more than peergen renders (not shown)"
                );
            }
            Found::Regular {
                text: Some(text), ..
            } if text != file.contents => {
                stale += 1;
                crate::outln!("stale: {path}");
                print_diff(path.as_str(), path.as_str(), &text, &file.contents);
            }
            Found::Regular { mode, .. } if (mode & 0o111 != 0) != (file.mode & 0o111 != 0) => {
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
            Found::Regular { .. } => {
                if verbosity::verbose() {
                    crate::outln!("ok: {path}");
                }
            }
        }
    }
    for orphan in &plan.orphans {
        stale += 1;
        let path = folder.show(&orphan.path);
        crate::outln!("extra: {path} (nothing renders it any more)");
        match folder.read(&orphan.path, READ_CAP)? {
            Found::Regular {
                text: Some(text), ..
            } => print_diff(path.as_str(), "/dev/null", &text, ""),
            Found::Absent => {}
            Found::Regular { .. } | Found::Other(_) => {
                crate::outln!("(not a small regular file; not shown)");
            }
        }
    }
    let dir = folder.path();
    if stale == 0 {
        crate::outln!("up to date: {} files in {dir}", produced.len());
        Ok(Exit::Ok)
    } else {
        eprintln!(
            "{stale} file(s) in {dir} differ from what peergen renders; render without --check (and with --prune for extra files) to update them"
        );
        Ok(Exit::Drift)
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

#[cfg(test)]
mod tests {
    use super::format_mode;

    #[test]
    fn modes_print_as_four_octal_digits() {
        for mode in [0o644, 0o640, 0o600, 0o755, 0, 0o7777] {
            assert_eq!(
                format_mode(mode),
                format!("{mode:04o}").as_bytes(),
                "{mode:o}"
            );
        }
    }
}
