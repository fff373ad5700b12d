//! `peergen handoff`: the folder we send the other operator: a README, their files for
//! every backend that applies, and their peer file (`peergen_render::context::handoff`).
//!
//! The folder is written through [`Folder`] (no symlink below it is followed, every file
//! is atomic and has its mode). A folder is only written when it is empty, new, or an
//! earlier handoff of the same peer: the marker file [`MARKER`] names the peer and lists
//! the files the handoff wrote, so a later handoff replaces exactly those (and removes
//! those it no longer has) and never touches anything else. Without `--out`, the README
//! is printed.

use camino::{Utf8Path, Utf8PathBuf};
use peergen_render::context::handoff::{handoff, Handoff};
use peergen_render::{RenderOptions, Renderer, TemplateSource};

use crate::args::HandoffArgs;
use crate::exit::Exit;
use crate::folder::{Access, Folder, Found};
use crate::plan::Plan;
use crate::{inputs, present};

/// The marker of a handoff folder.
pub const MARKER: &str = ".peergen-handoff";

/// Its first line.
const MARKER_HEADER: &str = "# peergen handoff 1: the peer, then the files this handoff wrote";

/// The largest marker read.
const MARKER_CAP: u64 = 1 << 20;

/// Runs the command.
pub fn run(args: &HandoffArgs) -> Exit {
    match try_run(args) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn try_run(args: &HandoffArgs) -> Result<Exit, Exit> {
    let out = args.out.as_ref().filter(|o| o.as_str() != "-");
    if let Some(dir) = out {
        inputs::plain_path(dir, "output folder")?;
    }
    let plan = Plan::resolve(args.config.as_deref(), std::slice::from_ref(&args.peer))?;
    let loaded = plan.load_peers()?;
    let [one] = loaded.as_slice() else {
        present::error(&format!(
            "{}: a handoff is for one peer, and this names {}: give one peer file",
            args.peer,
            loaded.len()
        ));
        return Err(Exit::Usage);
    };
    let mut options = RenderOptions::default();
    if let Some(prefix) = &plan.site.render.file_prefix {
        options.file_prefix.clone_from(prefix);
    }
    let renderer = Renderer::new(&TemplateSource::default(), options).map_err(|err| {
        present::error(&format!("templates: {err}"));
        Exit::IoError
    })?;
    let made = handoff(&renderer, &one.peer).map_err(|err| {
        present::error(&format!("{}: {err}", one.source.path()));
        Exit::DataError
    })?;
    let Some(dir) = out else {
        crate::out!("{}", made.readme);
        return Ok(Exit::Ok);
    };
    write(dir, &one.peer.name, &made)?;
    Ok(Exit::Ok)
}

/// The marker's text for `peer` and `paths`.
fn marker_text(peer: &str, paths: &[Utf8PathBuf]) -> String {
    let mut text = format!("{MARKER_HEADER}\npeer {peer}\n");
    for p in paths {
        text.push_str(p.as_str());
        text.push('\n');
    }
    text
}

/// What an earlier handoff's marker says: its peer and its files.
fn parse_marker(text: &str) -> Option<(String, Vec<Utf8PathBuf>)> {
    let mut lines = text.lines();
    if lines.next()? != MARKER_HEADER {
        return None;
    }
    let peer = lines.next()?.strip_prefix("peer ")?.to_owned();
    let files = lines
        .filter(|l| !l.is_empty())
        .map(Utf8PathBuf::from)
        .collect();
    Some((peer, files))
}

/// Whether the folder has any entry (a missing folder has none).
fn is_empty(dir: &Utf8Path) -> Result<bool, Exit> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(err) => {
            present::error(&format!("cannot read folder {dir}: {err}"));
            Err(Exit::CantCreate)
        }
    }
}

/// Writes the handoff into `dir`: refused unless the folder is empty or an earlier
/// handoff of this peer.
fn write(dir: &Utf8Path, peer: &str, made: &Handoff) -> Result<(), Exit> {
    let empty = is_empty(dir)?;
    let folder = Folder::open(dir, Access::Write)?;
    let earlier = match folder.read(Utf8Path::new(MARKER), MARKER_CAP)? {
        Found::Regular {
            text: Some(text), ..
        } => parse_marker(&text),
        _ => None,
    };
    let previous = match earlier {
        Some((name, files)) if name == peer => files,
        Some((name, _)) => {
            present::error(&format!(
                "{dir} holds the handoff of another peer ({name}, per {dir}/{MARKER}); give each peer its own folder with --out"
            ));
            return Err(Exit::CantCreate);
        }
        None if empty => Vec::new(),
        None => {
            present::error(&format!(
                "{dir} is not empty and is not a handoff folder (no {MARKER}); a handoff writes only into a new or empty folder, or over an earlier handoff of the same peer: give another --out"
            ));
            return Err(Exit::CantCreate);
        }
    };
    let files = made.files();
    let paths: Vec<Utf8PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let mut written = 0usize;
    for file in &files {
        if !folder.is_current(&file.path, &file.contents, file.mode)? {
            folder.write(&file.path, file.contents.as_bytes(), file.mode)?;
            written += 1;
        }
    }
    let mut removed = 0usize;
    for old in previous.iter().filter(|p| !paths.contains(p)) {
        // Only what the earlier handoff wrote, and only if it is still a plain file.
        if folder.holds_file(old)? {
            folder.remove(old)?;
            removed += 1;
        }
    }
    let marker = marker_text(peer, &paths);
    if !folder.is_current(Utf8Path::new(MARKER), &marker, 0o644)? {
        folder.write(Utf8Path::new(MARKER), marker.as_bytes(), 0o644)?;
    }
    for b in &made.backends {
        if let Err(refusal) = &b.result {
            eprintln!(
                "note: {peer}: no {} files: {}; the README says why",
                b.backend, refusal.reason
            );
        }
    }
    eprintln!(
        "handoff of {peer} in {dir}: {} files, {written} written, {removed} removed; send the folder, and anything the README says is sent separately",
        files.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_reads_back() {
        let paths = vec![
            Utf8PathBuf::from("README.md"),
            Utf8PathBuf::from("files/ip/x.up.sh"),
        ];
        let text = marker_text("x", &paths);
        assert_eq!(parse_marker(&text), Some(("x".to_owned(), paths)));
        assert_eq!(parse_marker("peer x\n"), None);
    }
}
