//! `.peergen-manifest`: which files in an output folder peergen wrote, with their mode,
//! the side and backend they were rendered for and the peer file that produced them.
//!
//! Knowing the producer is what makes pruning safe. A file listed by an earlier run is an
//! orphan only when its peer file no longer exists, or when this run rendered that peer
//! file with that backend and did not produce the file (a renamed tunnel). Files of peers
//! or backends this run did not cover are carried over untouched, so rendering one peer
//! into a shared folder never reports or prunes the others.
//!
//! Format 2: a first line `# peergen manifest 2 …`, then one line per file, sorted by
//! path: `MODE SIDE BACKEND PEER-FILE PATH`, tab-separated. Each field is escaped (`\\`,
//! `\t`, `\n`, `\r`, `\xHH` for other control characters), so no field can start another
//! field or line whatever a path holds. Manifests of format 1 (no side, no escaping,
//! written before sides were recorded) are still read; any other format is refused.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use camino::{Utf8Path, Utf8PathBuf};
use peergen_core::{Backend, Side};
use peergen_render::RenderedFile;

use crate::exit::Exit;
use crate::folder::{Folder, Found};
use crate::present;

/// The manifest's file name inside the output folder.
pub const MANIFEST: &str = ".peergen-manifest";

/// The largest manifest read (about 30 times what 10,000 peers need).
const MANIFEST_CAP: u64 = 256 << 20;

/// The first line of format 2.
const HEADER: &str =
    "# peergen manifest 2: mode, side, backend, peer file, path; tab-separated, backslash-escaped.";
const VERSION_PREFIX: &str = "# peergen manifest ";
const V1_HEADER: &str = "# Files peergen wrote into this folder:";

/// One manifest line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Permission bits the file was written with.
    pub mode: u32,
    /// The side it was rendered for; `None` in manifests written before sides were
    /// recorded.
    pub side: Option<Side>,
    /// The backend that rendered it.
    pub backend: Backend,
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

/// The manifest as found in the folder.
pub struct Existing {
    /// Its entries.
    pub entries: Vec<Entry>,
    /// Its exact text and mode, to skip rewriting an unchanged manifest.
    pub current: Option<(String, u32)>,
}

/// What this run means for the folder.
pub struct Plan {
    /// Manifest entries of earlier runs that this run did not cover (kept as they are).
    pub carried: Vec<Entry>,
    /// Entries of earlier runs whose files nothing renders any more (kept in the
    /// manifest until their files are removed). Only entries whose file is still there.
    pub orphans: Vec<Entry>,
}

#[cfg(test)]
fn escape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    escape_into(&mut out, field);
    out
}

/// Appends `field` to `out`, escaped. Nearly every field is a plain path: those are
/// copied as they are, without a pass per character.
fn escape_into(out: &mut String, field: &str) {
    let plain = |b: &u8| b.is_ascii() && !b.is_ascii_control() && *b != b'\\';
    if field.as_bytes().iter().all(plain) {
        out.push_str(field);
        return;
    }
    for c in field.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                for b in c.to_string().bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
}

fn unescape(field: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(field.len());
    let mut iter = field.bytes();
    while let Some(b) = iter.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match iter.next()? {
            b'\\' => bytes.push(b'\\'),
            b't' => bytes.push(b'\t'),
            b'n' => bytes.push(b'\n'),
            b'r' => bytes.push(b'\r'),
            b'x' => {
                let hex = [iter.next()?, iter.next()?];
                bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            _ => return None,
        }
    }
    String::from_utf8(bytes).ok()
}

/// Whether `path` stays inside the folder: relative, plain names only.
fn inside(path: &Utf8Path) -> bool {
    path.is_relative()
        && !path.as_str().is_empty()
        && path
            .components()
            .all(|c| matches!(c, camino::Utf8Component::Normal(_)))
}

fn line_v2(line: &str) -> Option<Entry> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [mode, side, backend, source, path] = fields.as_slice() else {
        return None;
    };
    let mode = u32::from_str_radix(mode, 8).ok().filter(|m| *m <= 0o7777)?;
    let side: Side = side.parse().ok()?;
    let backend: Backend = unescape(backend)?.parse().ok()?;
    let source = Utf8PathBuf::from(unescape(source)?);
    let path = Utf8PathBuf::from(unescape(path)?);
    // The manifest is not trusted to point outside the folder or to hold control
    // characters that a shell loop over it would misread.
    if !inside(&path) || path.as_str().chars().any(char::is_control) {
        return None;
    }
    Some(Entry {
        mode,
        side: Some(side),
        backend,
        source,
        path,
    })
}

fn line_v1(line: &str) -> Option<Entry> {
    let mut fields = line.splitn(4, '\t');
    let mode = u32::from_str_radix(fields.next()?, 8).ok()?;
    let backend: Backend = fields.next()?.parse().ok()?;
    let source = Utf8PathBuf::from(fields.next()?);
    let path = Utf8PathBuf::from(fields.next()?);
    (inside(&path) && !path.as_str().chars().any(char::is_control)).then_some(Entry {
        mode,
        side: None,
        backend,
        source,
        path,
    })
}

/// Reads the manifest of `folder`. A manifest that is not a regular file, is of an
/// unknown format or has a line that does not parse is an error: guessing would risk
/// losing track of files (or pruning the wrong ones).
pub fn read(folder: &mut Folder) -> Result<Existing, Exit> {
    let shown = folder.show(Utf8Path::new(MANIFEST));
    let (text, mode) = match folder.read(Utf8Path::new(MANIFEST), MANIFEST_CAP)? {
        Found::Absent => {
            return Ok(Existing {
                entries: Vec::new(),
                current: None,
            })
        }
        Found::Regular {
            text: Some(text),
            mode,
            ..
        } => (text, mode),
        Found::Regular { text: None, .. } => {
            present::error(&format!(
                "{shown} is larger than {} MiB, far more than peergen writes; it is generated: delete it and render again",
                MANIFEST_CAP >> 20
            ));
            return Err(Exit::DataError);
        }
        Found::Other(what) => {
            present::error(&format!(
                "{shown} is {what}, not a regular file; peergen never follows symlinks below the output folder: remove it and render again"
            ));
            return Err(Exit::DataError);
        }
    };
    let first = text.lines().next().unwrap_or("");
    let v2 = first.starts_with(VERSION_PREFIX);
    if v2 && first != HEADER {
        let version = first[VERSION_PREFIX.len()..]
            .split(|c: char| c == ':' || c.is_whitespace())
            .next()
            .unwrap_or("");
        present::error(&format!(
            "{shown} has format {version:?}, which this peergen does not know (it writes format 2); render with the peergen that wrote it, or delete the manifest and render again"
        ));
        return Err(Exit::DataError);
    }
    if !v2 && !text.is_empty() && !first.starts_with(V1_HEADER) {
        present::error(&format!(
            "{shown} is not a peergen manifest (its first line is not a peergen manifest header); delete it and render again"
        ));
        return Err(Exit::DataError);
    }
    let mut entries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let entry = if v2 { line_v2(line) } else { line_v1(line) };
        match entry {
            Some(entry) => entries.push(entry),
            None => {
                present::error(&format!(
                    "{shown}:{}: not a manifest entry (MODE, SIDE, BACKEND, PEER-FILE, PATH inside the folder, tab-separated); the manifest is generated: delete it and render again",
                    number + 1
                ));
                return Err(Exit::DataError);
            }
        }
    }
    Ok(Existing {
        entries,
        current: Some((text, mode)),
    })
}

/// The entries of `existing` rendered for the other side (not for `side`).
pub fn other_side(existing: &Existing, side: Side) -> Vec<&Entry> {
    existing
        .entries
        .iter()
        .filter(|e| e.side.is_some_and(|s| s != side))
        .collect()
}

/// Compares the earlier manifest with what this run produced. `peer_exists` says whether
/// a peer file named in the manifest still exists; entries of the other side are orphans
/// (the run was allowed to replace the side). Orphans whose file is gone are dropped.
pub fn plan(
    folder: &mut Folder,
    existing: &Existing,
    produced: &[Produced<'_>],
    backends: &[Backend],
    side: Side,
    peer_exists: impl Fn(&Utf8Path) -> bool,
) -> Result<Plan, Exit> {
    // Keyed by string: comparing `Path`s walks their components, which is slow in bulk.
    let now: HashSet<&str> = produced.iter().map(|p| p.file.path.as_str()).collect();
    let rendered: HashSet<&str> = produced.iter().map(|p| p.source.as_str()).collect();
    let mut plan = Plan {
        carried: Vec::new(),
        orphans: Vec::new(),
    };
    let mut seen: HashSet<&str> = HashSet::new();
    for entry in &existing.entries {
        if now.contains(entry.path.as_str()) || !seen.insert(entry.path.as_str()) {
            continue;
        }
        let covered = rendered.contains(entry.source.as_str()) && backends.contains(&entry.backend);
        let other_side = entry.side.is_some_and(|s| s != side);
        if other_side || covered || !peer_exists(&entry.source) {
            if folder.holds_file(&entry.path)? {
                plan.orphans.push(entry.clone());
            }
        } else {
            plan.carried.push(entry.clone());
        }
    }
    Ok(plan)
}

/// The manifest file listing `produced` (for `side`) and `extra` entries.
pub fn file(produced: &[Produced<'_>], side: Side, extra: &[Entry]) -> RenderedFile {
    /// One line's fields, borrowed: the lines are written straight into the text, so a
    /// run of tens of thousands of files does not hold each line twice (as its own
    /// string and in the text) at its peak memory.
    struct Fields<'a> {
        mode: u32,
        side: Side,
        backend: Backend,
        source: &'a str,
    }
    let mut lines: BTreeMap<&str, Fields<'_>> = BTreeMap::new();
    for p in produced {
        lines.insert(
            p.file.path.as_str(),
            Fields {
                mode: p.file.mode,
                side,
                backend: p.backend,
                source: p.source.as_str(),
            },
        );
    }
    for e in extra {
        lines.entry(e.path.as_str()).or_insert_with(|| Fields {
            mode: e.mode,
            // Entries of a format-1 manifest take the side of this run.
            side: e.side.unwrap_or(side),
            backend: e.backend,
            source: e.source.as_str(),
        });
    }
    let mut contents = String::from(HEADER);
    contents.push_str(
        "\n# Used to find the files of removed peers and to keep sides apart; generated, do not edit.\n",
    );
    for (path, f) in lines {
        // Side and backend names are plain words: only the paths need escaping.
        let _ = write!(contents, "{:04o}\t{}\t{}\t", f.mode, f.side, f.backend);
        escape_into(&mut contents, f.source);
        contents.push('\t');
        escape_into(&mut contents, path);
        contents.push('\n');
    }
    RenderedFile {
        path: MANIFEST.into(),
        mode: 0o644,
        contents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_through_escaping() {
        for field in ["plain/path.conf", "a\tb\nc\\d\re\u{1}f", "ünï"] {
            assert_eq!(unescape(&escape(field)).as_deref(), Some(field));
            assert!(!escape(field).contains(['\t', '\n', '\r']));
        }
    }

    #[test]
    fn hostile_lines_are_not_entries() {
        assert!(line_v2("0644\tlocal\tip\tpeers/a.toml\t../../etc/passwd").is_none());
        assert!(line_v2("0644\tlocal\tip\tpeers/a.toml\t/etc/passwd").is_none());
        assert!(line_v2("0644\tsideways\tip\tpeers/a.toml\ta.sh").is_none());
        assert!(line_v2("0644\tlocal\tip\tpeers/a.toml\ta.sh\textra").is_none());
        assert!(line_v2("0644\tlocal\tip\tpeers/a.toml\ta\\x0a.sh").is_none());
        assert!(line_v2("0644\tlocal\tbird2\tpeers/a.toml\ta.conf").is_none());
        assert!(line_v2("0644\tlocal\tip\tpeers/a\\n\\t.toml\ta.sh").is_some());
    }
}
