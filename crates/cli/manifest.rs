//! `.peergen-manifest`: which files in an output folder peergen wrote, with their mode,
//! the backend and the peer file that produced them.
//!
//! Knowing the producer is what makes pruning safe. A file listed by an earlier run is an
//! orphan only when its peer file no longer exists, or when this run rendered that peer
//! file with that backend and did not produce the file (a renamed tunnel). Files of peers
//! or backends this run did not cover are carried over untouched, so rendering one peer
//! into a shared folder never reports or prunes the others.
//!
//! One line per file, tab-separated: `MODE BACKEND PEER-FILE PATH`, sorted by path.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use camino::{Utf8Path, Utf8PathBuf};
use peergen_render::{Backend, RenderedFile};

/// The manifest's file name inside the output folder.
pub const MANIFEST: &str = ".peergen-manifest";

/// One manifest line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Permission bits the file was written with.
    pub mode: u32,
    /// Backend name.
    pub backend: String,
    /// The peer file, as rendered files name it (relative to the site file's folder).
    pub source: Utf8PathBuf,
    /// Path inside the output folder.
    pub path: Utf8PathBuf,
}

/// A file this run produced, with its producer.
pub struct Produced<'a> {
    /// The file.
    pub file: &'a RenderedFile,
    /// The backend that rendered it.
    pub backend: Backend,
    /// The peer file, as rendered files name it.
    pub source: &'a Utf8Path,
}

/// What this run means for the folder.
pub struct Plan {
    /// Files of earlier runs that nothing renders any more.
    pub orphans: Vec<Utf8PathBuf>,
    /// Manifest entries of earlier runs that this run did not cover (kept as they are).
    pub carried: Vec<Entry>,
    /// Entries of the orphans, kept in the manifest until they are pruned.
    pub orphan_entries: Vec<Entry>,
}

/// Reads the manifest; lines that do not parse or whose path could leave the folder are
/// ignored (the manifest is not trusted to point outside `dir`).
pub fn read(dir: &Utf8Path) -> Vec<Entry> {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let mut fields = l.splitn(4, '\t');
            let mode = u32::from_str_radix(fields.next()?, 8).ok()?;
            let backend = fields.next()?.to_owned();
            let source = Utf8PathBuf::from(fields.next()?);
            let path = Utf8PathBuf::from(fields.next()?);
            let inside = path.is_relative()
                && path
                    .components()
                    .all(|c| matches!(c, camino::Utf8Component::Normal(_)));
            inside.then_some(Entry {
                mode,
                backend,
                source,
                path,
            })
        })
        .collect()
}

/// Compares the earlier manifest with what this run produced. `peer_exists` says whether
/// a peer file named in the manifest still exists.
pub fn plan(
    dir: &Utf8Path,
    produced: &[Produced<'_>],
    backends: &[Backend],
    peer_exists: impl Fn(&Utf8Path) -> bool,
) -> Plan {
    // Keyed by string: comparing `Path`s walks their components, which is slow in bulk.
    let now: HashSet<&str> = produced.iter().map(|p| p.file.path.as_str()).collect();
    let rendered: HashSet<&str> = produced.iter().map(|p| p.source.as_str()).collect();
    let names: BTreeSet<&str> = backends.iter().map(|b| b.as_str()).collect();
    let mut plan = Plan {
        orphans: Vec::new(),
        carried: Vec::new(),
        orphan_entries: Vec::new(),
    };
    for entry in read(dir) {
        if now.contains(entry.path.as_str()) {
            continue;
        }
        let covered =
            rendered.contains(entry.source.as_str()) && names.contains(entry.backend.as_str());
        if !peer_exists(&entry.source) || covered {
            if dir.join(&entry.path).is_file() {
                plan.orphans.push(entry.path.clone());
                plan.orphan_entries.push(entry);
            }
        } else {
            plan.carried.push(entry);
        }
    }
    plan
}

/// The manifest file listing `produced` and `extra` entries.
pub fn file(produced: &[Produced<'_>], extra: &[Entry]) -> RenderedFile {
    let mut lines: BTreeMap<&str, String> = BTreeMap::new();
    for p in produced {
        lines.insert(
            p.file.path.as_str(),
            format!(
                "{:04o}\t{}\t{}\t{}\n",
                p.file.mode, p.backend, p.source, p.file.path
            ),
        );
    }
    for e in extra {
        lines.entry(e.path.as_str()).or_insert_with(|| {
            format!("{:04o}\t{}\t{}\t{}\n", e.mode, e.backend, e.source, e.path)
        });
    }
    let mut contents = String::from(
        "# Files peergen wrote into this folder: mode, backend, peer file, path (tab-separated).\n# Used to find the files of removed peers; generated, do not edit.\n",
    );
    for line in lines.into_values() {
        contents.push_str(&line);
    }
    RenderedFile {
        path: MANIFEST.into(),
        mode: 0o644,
        contents,
    }
}
