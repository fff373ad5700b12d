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
    /// The validated peer (local side), boxed: a run moves thousands of these between
    /// threads and vectors, and a peer is about a kilobyte.
    pub peer: Box<Peer>,
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
    read_file(path).map_err(|err| read_failed(path, what, &err))
}

/// Reports a file that could not be read; the exit is 66.
fn read_failed(path: &Utf8Path, what: &str, err: &std::io::Error) -> Exit {
    present::error(&format!("{path}: cannot read {what}: {err}"));
    Exit::NoInput
}

/// A peer file read: its text and its identity (device, inode), or why it could not be
/// read.
type ReadFile = std::io::Result<(SourceFile, (u64, u64))>;

/// A path named on the command line, looked at once.
pub enum Probe {
    /// A folder: its peer files are found by walking it.
    Folder,
    /// Anything else, read as a peer file.
    File(ReadFile),
}

impl Probe {
    fn is_folder(&self) -> bool {
        matches!(self, Probe::Folder)
    }
}

/// Looks at each path named on the command line (on every core): a folder, or a peer file
/// read whole. The `fstat` that reading needs anyway tells a folder from a file, so a
/// peer file named on the command line costs no look-up of its own.
pub fn probe(paths: &[Utf8PathBuf]) -> Vec<Probe> {
    crate::parallel::map(paths, |path| match std::fs::File::open(path) {
        Ok(file) => match file.metadata() {
            Ok(meta) if meta.is_dir() => Probe::Folder,
            Ok(meta) => Probe::File(read_open(path, &file, &meta)),
            Err(err) => Probe::File(Err(err)),
        },
        // A folder that may be searched but not listed still is a folder: walking it
        // says why it cannot be read.
        Err(_) if path.is_dir() => Probe::Folder,
        Err(err) => Probe::File(Err(err)),
    })
}

/// Which of the probed paths are folders.
pub fn folders(probes: &[Probe]) -> Vec<bool> {
    probes.iter().map(Probe::is_folder).collect()
}

/// The text of `path` and its identity (device, inode), without a message: peer files
/// are read on several threads, and reported in input order afterwards.
fn read_file(path: &Utf8Path) -> ReadFile {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    read_open(path, &file, &meta)
}

/// Reads the open `file` at `path`, whose metadata is `meta`.
fn read_open(path: &Utf8Path, file: &std::fs::File, meta: &std::fs::Metadata) -> ReadFile {
    use std::io::Read as _;
    use std::os::unix::fs::MetadataExt as _;
    let size = usize::try_from(meta.len()).unwrap_or(0);
    let mut bytes = vec![0; size.saturating_add(1)];
    // One `read` for the size `fstat` gave: when it brings exactly that many bytes, the
    // file is read, without a second `read` to see the end (a system call per peer
    // file). Anything else (a file that grew, a short read) reads on to the end.
    let first = loop {
        match (&mut &*file).read(&mut bytes) {
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            other => break other?,
        }
    };
    bytes.truncate(first);
    if first != size || size == 0 {
        // Through `take`: reading a `File` directly asks the kernel for its size and
        // position again (statx, lseek) to size the buffer, which `metadata` already did.
        file.take(u64::MAX).read_to_end(&mut bytes)?;
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })?;
    Ok((SourceFile::new(path, text), (meta.dev(), meta.ino())))
}

/// Loads the site file for `inputs` (`--config`, or the nearest `peergen.toml`), with its
/// text (`None` without a site file).
pub fn site(
    config: Option<&Utf8Path>,
    inputs: &[Utf8PathBuf],
    folders: &[bool],
) -> Result<(Site, Option<SourceFile>), Exit> {
    let Some(path) = inputs::site_file(config, inputs, folders)? else {
        return Ok((Site::default(), None));
    };
    let source = read(&path, "site file")?;
    let site = validate_site(&source).map_err(|invalid| {
        present::diagnostics(&invalid.diagnostics, &source);
        Exit::DataError
    })?;
    Ok((site, Some(source)))
}

/// The peer files of a run, read but not yet validated ([`read_peers`]).
pub struct ReadPeers {
    files: Vec<inputs::PeerPath>,
    read: Vec<ReadFile>,
}

impl ReadPeers {
    /// Each peer file read, once (the same file given twice counts once), by the name it
    /// goes by and its text, in input order; `None` when any could not be read.
    pub fn texts(&self) -> Option<Vec<(&str, &str)>> {
        let mut seen = std::collections::HashSet::with_capacity(self.read.len());
        let mut out = Vec::with_capacity(self.read.len());
        for r in &self.read {
            let (source, id) = r.as_ref().ok()?;
            if seen.insert(*id) {
                out.push((source.name().as_str(), source.text()));
            }
        }
        Some(out)
    }
}

/// Expands `paths` into peer files and reads them (on every core), naming each from the
/// repo root ([`Repo::display_path`]). `probes` are the paths as [`probe`] found them
/// (the files named on the command line already read); without them (empty), the paths
/// are probed now.
pub fn read_peers(
    paths: &[Utf8PathBuf],
    probes: Vec<Probe>,
    site: &Site,
    repo: &Repo,
) -> Result<ReadPeers, Exit> {
    let probes = if probes.len() == paths.len() {
        probes
    } else {
        probe(paths)
    };
    let files = inputs::peer_files(paths, &folders(&probes), site)?;
    // The files named on the command line come in `files` in the order given, between the
    // files found in folders; each takes the next of the files already read.
    let mut named = probes.into_iter().filter_map(|p| match p {
        Probe::Folder => None,
        Probe::File(read) => Some(read),
    });
    // The files found in folders are read now, on every core.
    let found: Vec<&inputs::PeerPath> = files.iter().filter(|f| f.found.is_some()).collect();
    let mut found = crate::parallel::map(&found, |file| read_file(&file.path)).into_iter();
    let read = files
        .iter()
        .map(|file| {
            let read = match file.found {
                None => named.next(),
                Some(_) => found.next(),
            };
            read.unwrap_or_else(|| Err(std::io::Error::other("not read")))
                .map(|(source, id)| (source.named(repo.display_path(&file.path)), id))
        })
        .collect();
    Ok(ReadPeers { files, read })
}

/// Expands, reads and validates every peer file of `paths` with the site file's defaults,
/// then checks them against each other. Each file is named from the repo root
/// ([`Repo::display_path`]) before it is validated, so the peer carries that name from the
/// start. Returns the peers only when all of them are valid: one bad file stops everything.
pub fn peers(
    paths: &[Utf8PathBuf],
    probes: Vec<Probe>,
    site: &Site,
    repo: &Repo,
) -> Result<Vec<Loaded>, Exit> {
    validate_peers(read_peers(paths, probes, site, repo)?, site)
}

/// Whether any file was read more than once (the same device and inode).
fn repeated(read: &[ReadFile]) -> bool {
    let mut ids: Vec<(u64, u64)> = read.iter().flatten().map(|(_, id)| *id).collect();
    ids.sort_unstable();
    ids.windows(2).any(|w| w[0] == w[1])
}

/// Validates the peer files of [`read_peers`], then checks them against each other;
/// every diagnostic is printed. Returns the peers only when all of them are valid.
pub fn validate_peers(read: ReadPeers, site: &Site) -> Result<Vec<Loaded>, Exit> {
    let ReadPeers { files, read } = read;
    // Files given more than once are rare: a set of the files seen is kept only when there
    // are any.
    let repeats = repeated(&read);
    // Validating is independent per file: it runs on every core. Every message and
    // decision comes after, in input order, so output never depends on scheduling.
    let results = crate::parallel::map(&read, |r| {
        r.as_ref().ok().map(|(source, _)| {
            validate_with(source, &site.defaults).map(|v| (Box::new(v.peer), v.warnings, v.spans))
        })
    });
    let checked = read.into_iter().zip(results).map(|(r, result)| {
        r.and_then(|(source, id)| match result {
            Some(result) => Ok((source, id, result)),
            // Only a file that was read is validated.
            None => Err(std::io::Error::other("not validated")),
        })
    });
    let mut loaded = Vec::with_capacity(files.len());
    let mut failure = None;
    let mut seen = repeats.then(std::collections::HashSet::new);
    let mut warnings = crate::verbosity::Warnings::default();
    let mut misread = false;
    for (file, checked) in files.iter().zip(checked) {
        let (source, result) = match checked {
            // The same file given twice (`a.toml a.toml`, a folder and a file in it, a
            // symlink to it) is one peer, not two that conflict.
            Ok((_, id, _)) if seen.as_mut().is_some_and(|seen| !seen.insert(id)) => continue,
            Ok((source, _, result)) => (source, result),
            Err(err) => {
                let exit = read_failed(&file.path, "peer file", &err);
                failure = Some(failure.unwrap_or(exit));
                continue;
            }
        };
        match result {
            Ok((peer, warned, spans)) => {
                warnings.show(&warned, &source);
                loaded.push(Loaded {
                    peer,
                    source,
                    spans,
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
