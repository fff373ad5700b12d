//! Reads the site file and the peer files, validates each and then all of them together,
//! printing every diagnostic, so that commands only ever see a valid set of peers.

use camino::{Utf8Path, Utf8PathBuf};
use peergen_core::cross::{cross_check, CrossInput};
use peergen_core::site::Site;
use peergen_core::spans::PeerSpans;
use peergen_core::validate::{validate_site, validate_with};
use peergen_core::{Peer, SourceFile};

use crate::exit::Exit;
use crate::inputs;
use crate::present;
use crate::repo::Repo;

/// A peer file that validated.
pub struct Loaded {
    /// The validated peer (local side).
    pub peer: Peer,
    /// Its file.
    pub source: SourceFile,
    /// Field locations, for cross-peer messages.
    pub spans: PeerSpans,
}

fn read(path: &Utf8Path, what: &str) -> Result<SourceFile, Exit> {
    read_identified(path, what).map(|(source, _)| source)
}

/// Reads a file and says which file it is (device and inode), so the same file given
/// twice, under any name, is read once. The identity comes from the open file (one
/// `fstat`, which reading needs anyway for its size).
fn read_identified(path: &Utf8Path, what: &str) -> Result<(SourceFile, (u64, u64)), Exit> {
    use std::io::Read as _;
    use std::os::unix::fs::MetadataExt as _;
    let fail = |err: std::io::Error| {
        present::error(&format!("{path}: cannot read {what}: {err}"));
        Exit::NoInput
    };
    let mut file = std::fs::File::open(path).map_err(fail)?;
    let meta = file.metadata().map_err(fail)?;
    let mut text = String::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_string(&mut text).map_err(fail)?;
    Ok((SourceFile::new(path, text), (meta.dev(), meta.ino())))
}

/// Loads the site file for `inputs` (`--config`, or the nearest `peergen.toml`).
pub fn site(config: Option<&Utf8Path>, inputs: &[Utf8PathBuf]) -> Result<Site, Exit> {
    let Some(path) = inputs::site_file(config, inputs)? else {
        return Ok(Site::default());
    };
    let source = read(&path, "site file")?;
    validate_site(&source).map_err(|invalid| {
        present::diagnostics(&invalid.diagnostics, &source);
        Exit::DataError
    })
}

/// Expands, reads and validates every peer file of `paths` with the site file's defaults,
/// then checks them against each other. Each file is named from the repo root
/// ([`Repo::display_path`]) before it is validated, so the peer carries that name from the
/// start. Returns the peers only when all of them are valid: one bad file stops everything.
pub fn peers(paths: &[Utf8PathBuf], site: &Site, repo: &Repo) -> Result<Vec<Loaded>, Exit> {
    let files = inputs::peer_files(paths, site)?;
    let mut loaded = Vec::with_capacity(files.len());
    let mut failure = None;
    let mut seen = std::collections::HashSet::with_capacity(files.len());
    let mut warnings = crate::verbosity::Warnings::default();
    let mut misread = false;
    for file in &files {
        let path = &file.path;
        let source = match read_identified(path, "peer file") {
            // The same file given twice (`a.toml a.toml`, a folder and a file in it, a
            // symlink to it) is one peer, not two that conflict.
            Ok((_, id)) if !seen.insert(id) => continue,
            Ok((source, _)) => source.named(repo.display_path(path)),
            Err(exit) => {
                failure = Some(failure.unwrap_or(exit));
                continue;
            }
        };
        match validate_with(&source, &site.defaults) {
            Ok(valid) => {
                warnings.show(&valid.warnings, &source);
                loaded.push(Loaded {
                    peer: valid.peer,
                    source,
                    spans: valid.spans,
                });
            }
            Err(invalid) => {
                if !inputs::report_not_a_peer_file(file, &source, site) {
                    present::diagnostics(&invalid.diagnostics, &source);
                    misread |= inputs::may_not_be_a_peer_file(file, &invalid.diagnostics);
                }
                failure = Some(Exit::DataError);
            }
        }
    }
    warnings.finish();
    if misread {
        inputs::exclusion_note(site);
    }
    if let Some(exit) = failure {
        return Err(exit);
    }
    let inputs: Vec<CrossInput<'_>> = loaded
        .iter()
        .map(|l| CrossInput {
            source: &l.source,
            peer: &l.peer,
            spans: &l.spans,
        })
        .collect();
    let problems = cross_check(&inputs);
    if !problems.is_empty() {
        for p in &problems {
            present::diagnostic(&p.diagnostic, inputs[p.index].source);
        }
        return Err(Exit::DataError);
    }
    Ok(loaded)
}
