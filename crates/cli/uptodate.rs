//! `.peergen-cache`: recognising an up-to-date output folder without validating or
//! rendering anything, the way git's index recognises an unchanged work tree.
//!
//! A writing run that ends with a folder holding exactly what it rendered records, next
//! to the manifest, a digest of every input that decides the output, what it printed on
//! stderr (the warnings and notes those inputs draw, said again by a run that takes the
//! folder as up to date) and, per file it left (the manifest included), the size, mtime, ctime, inode and
//! mode that `lstat` gives right after the run, and a hash of the contents. The next run
//! reads its inputs; when their digest is the recorded one and every file still `lstat`s
//! to exactly what was recorded, the folder holds what this run would write, and the run
//! ends as an up-to-date run ends, having cost a read of the inputs and a `stat` per file.
//!
//! The digest covers peergen itself (its version, and the size, mtime and inode of its
//! executable, so a rebuilt binary never trusts an old cache), the side and backends, the
//! template folder and the texts read from it, the site file and every peer file (names and
//! bytes, in the order read). Any other difference (a file edited, replaced, chmod-ed or
//! turned into a symlink, a cache of an older format or from another machine) sends the
//! run down the ordinary path, which compares and writes as always.
//!
//! Timestamps are coarse: a file changed within the same clock tick as it was recorded
//! keeps its mtime. As in git, an entry recorded less than [`RACY_NS`] before the cache
//! itself was written is "racily clean" and its contents are compared with the recorded
//! hash instead; once such entries are old enough, the cache is written again (same text)
//! so that later runs need only `stat`.
//!
//! The cache is machine-local (inodes, timestamps): it is not part of the manifest, which
//! a config repo commits, and should be ignored by version control.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use camino::{Utf8Path, Utf8PathBuf};
use peergen_core::{Backend, Side};
use sha2::{Digest as _, Sha256};

use crate::exit::Exit;
use crate::folder::{Folder, Found, Stat};
use crate::manifest::MANIFEST;

/// The cache's file name inside the output folder.
pub const CACHE: &str = ".peergen-cache";

/// The first line of the cache; any other first line is a cache that never matches.
const HEADER: &str = "# peergen cache 2: inputs digest, what the run said, then size, mtime ns, ctime ns, inode, mode, content hash and path per file; machine-local, do not commit.";

/// How recent an entry may be, relative to the cache file, before its timestamps are not
/// trusted (file system timestamps can be as coarse as a second).
const RACY_NS: i128 = 2_000_000_000;

/// The largest cache read.
const CACHE_CAP: u64 = 256 << 20;

/// The largest file whose contents are compared when its timestamps are too recent.
const READ_CAP: u64 = 4 << 20;

/// A 128-bit content hash (the first half of SHA-256).
pub type ContentHash = [u8; 16];

/// The hash of a file's contents, as recorded.
pub fn content_hash(bytes: &[u8]) -> ContentHash {
    let full = Sha256::digest(bytes);
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Everything that decides what a run writes, fed into one SHA-256.
pub struct Inputs {
    hasher: Sha256,
}

impl Inputs {
    /// Starts with peergen itself, the side, the backends and the template overrides.
    /// `None` when the running executable cannot be identified (then nothing is cached).
    pub fn new(
        side: Side,
        backends: &[Backend],
        templates: Option<&Utf8Path>,
        overrides: &BTreeMap<String, String>,
    ) -> Option<Self> {
        use std::os::unix::fs::MetadataExt as _;
        let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
        let mut inputs = Self {
            hasher: Sha256::new(),
        };
        inputs.field(env!("CARGO_PKG_VERSION").as_bytes());
        for n in [exe.dev(), exe.ino(), exe.size()] {
            inputs.field(&n.to_le_bytes());
        }
        inputs.field(&exe.mtime().to_le_bytes());
        inputs.field(&exe.mtime_nsec().to_le_bytes());
        inputs.field(side.to_string().as_bytes());
        // -v changes what a run says (every warning instead of a count)
        inputs.field(&[u8::from(crate::verbosity::verbose())]);
        inputs.field(&backends.len().to_le_bytes());
        for b in backends {
            inputs.field(b.to_string().as_bytes());
        }
        inputs.field(templates.map_or("", Utf8Path::as_str).as_bytes());
        inputs.field(&overrides.len().to_le_bytes());
        for (name, text) in overrides {
            inputs.field(name.as_bytes());
            inputs.field(text.as_bytes());
        }
        Some(inputs)
    }

    /// One field, length first, so no two sequences of fields hash alike.
    fn field(&mut self, bytes: &[u8]) {
        self.hasher.update((bytes.len() as u64).to_le_bytes());
        self.hasher.update(bytes);
    }

    /// Adds a file read (site file or peer file): the name it goes by and its text.
    pub fn file(&mut self, name: &str, text: &str) {
        self.field(name.as_bytes());
        self.field(text.as_bytes());
    }

    /// Adds a marker between groups of files (no site file, the peer files).
    pub fn mark(&mut self, what: &str) {
        self.field(what.as_bytes());
    }

    /// The digest, in hex.
    pub fn finish(self) -> String {
        hex(&self.hasher.finalize())
    }
}

/// One line of the cache.
struct Entry {
    stat: Stat,
    hash: ContentHash,
    path: Utf8PathBuf,
}

/// Appends the cache line of one file to `out`.
fn push_line(out: &mut String, r: &Entry) {
    let _ = writeln!(
        out,
        "{} {} {} {} {:04o} {}\t{}",
        r.stat.size,
        r.stat.mtime_ns,
        r.stat.ctime_ns,
        r.stat.inode,
        r.stat.mode,
        hex(&r.hash),
        r.path
    );
}

/// Appends to `lines` the cache line of `path`, as written (`hash`) and as `stat` found
/// it right after; `false` when it is not a regular file (then no cache is written).
pub fn push(lines: &mut String, path: &Utf8Path, hash: ContentHash, stat: Option<Stat>) -> bool {
    match stat {
        Some(stat) if stat.regular && !path.as_str().chars().any(char::is_control) => {
            let entry = Entry {
                stat,
                hash,
                path: path.to_owned(),
            };
            push_line(lines, &entry);
            true
        }
        _ => false,
    }
}

fn parse_line(line: &str) -> Option<Entry> {
    let (fields, path) = line.split_once('\t')?;
    let f: Vec<&str> = fields.split(' ').collect();
    let [size, mtime, ctime, inode, mode, hash] = f.as_slice() else {
        return None;
    };
    let hash = hash.as_bytes();
    if hash.len() != 32 {
        return None;
    }
    let mut bytes = [0u8; 16];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(std::str::from_utf8(&hash[2 * i..2 * i + 2]).ok()?, 16).ok()?;
    }
    let path = Utf8PathBuf::from(path);
    let plain = path.is_relative()
        && path
            .components()
            .all(|c| matches!(c, camino::Utf8Component::Normal(_)));
    if !plain || path.as_str().chars().any(char::is_control) {
        return None;
    }
    Some(Entry {
        stat: Stat {
            regular: true,
            size: size.parse().ok()?,
            mtime_ns: mtime.parse().ok()?,
            ctime_ns: ctime.parse().ok()?,
            inode: inode.parse().ok()?,
            mode: u32::from_str_radix(mode, 8).ok()?,
        },
        hash: bytes,
        path,
    })
}

/// Records the folder as this run left it: `inputs`, the manifest as `lstat` finds it
/// now, and the lines of every file the run left ([`push`], in any order; gathered on
/// several threads, they are written as they are rather than sorted into one more copy,
/// so the cache of a run of tens of thousands of files adds little to its peak memory).
pub fn record(folder: &Folder, inputs: &str, said: &str, lines: &[String]) -> Result<(), Exit> {
    let manifest = Utf8Path::new(MANIFEST);
    let Found::Regular {
        text: Some(text), ..
    } = folder.read(manifest, CACHE_CAP)?
    else {
        return Ok(());
    };
    let mut first = format!("{HEADER}\ninputs {inputs}\nsaid {}\n", escape(said));
    if !push(
        &mut first,
        manifest,
        content_hash(text.as_bytes()),
        folder.stat(manifest)?,
    ) {
        return Ok(());
    }
    let mut parts = Vec::with_capacity(lines.len() + 1);
    parts.push(first.as_bytes());
    parts.extend(lines.iter().map(String::as_bytes));
    folder.write_parts(Utf8Path::new(CACHE), &parts, 0o644)
}

/// Forgets the recorded state (before a run that may change the folder).
pub fn forget(folder: &Folder) -> Result<(), Exit> {
    match folder.stat(Utf8Path::new(CACHE))? {
        Some(_) => folder.remove(Utf8Path::new(CACHE)),
        None => Ok(()),
    }
}

/// Whether `folder` holds exactly what the run recorded in its cache left there, that run
/// read exactly `inputs`: then the files it lists (the manifest first, which is not
/// returned) are returned, sorted by path. `None` on any difference.
pub fn unchanged(folder: &Folder, inputs: &str) -> Result<Option<Unchanged>, Exit> {
    let cache = Utf8Path::new(CACHE);
    let Some(cache_stat) = folder.stat(cache)?.filter(|s| s.regular) else {
        return Ok(None);
    };
    let Found::Regular {
        text: Some(text), ..
    } = folder.read(cache, CACHE_CAP)?
    else {
        return Ok(None);
    };
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) || lines.next() != Some(&format!("inputs {inputs}")) {
        return Ok(None);
    }
    let Some(said) = lines
        .next()
        .and_then(|l| l.strip_prefix("said "))
        .and_then(unescape)
        .filter(|t| plain_or_styled(t))
    else {
        return Ok(None);
    };
    let mut files = Vec::new();
    let mut racy = Vec::new();
    for (i, l) in lines.enumerate() {
        let Some(r) = parse_line(l) else {
            return Ok(None);
        };
        if (i == 0) != (r.path.as_str() == MANIFEST) {
            return Ok(None);
        }
        match folder.stat(&r.path)? {
            Some(now) if now == r.stat => {}
            _ => return Ok(None),
        }
        let newest = r.stat.mtime_ns.max(r.stat.ctime_ns);
        if newest >= cache_stat.mtime_ns - RACY_NS {
            racy.push((newest, r.hash, r.path.clone()));
        }
        if i > 0 {
            files.push(r.path);
        }
    }
    files.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
    let mut newest_racy = None;
    for (newest, hash, path) in &racy {
        match folder.read(path, READ_CAP)? {
            Found::Regular {
                text: Some(text), ..
            } if content_hash(text.as_bytes()) == *hash => {}
            _ => return Ok(None),
        }
        newest_racy = newest_racy.max(Some(*newest));
    }
    // Racily clean entries were compared; once they are old enough, a cache written now
    // (with the same text) lets the next run trust their timestamps.
    if let Some(newest) = newest_racy {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX));
        if newest < now - RACY_NS {
            folder.write(cache, text.as_bytes(), 0o644)?;
        }
    }
    Ok(Some(Unchanged { files, said }))
}

/// An up-to-date folder, as its cache records it.
pub struct Unchanged {
    /// The files the recorded run left (the manifest not included), sorted by path.
    pub files: Vec<Utf8PathBuf>,
    /// What that run printed on stderr, colour codes included.
    pub said: String,
}

/// `text` on one line: `\` and line breaks escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// The text [`escape`] made; `None` for anything it cannot have made.
fn unescape(line: &str) -> Option<String> {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '\\' => out.push('\\'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            _ => return None,
        }
    }
    Some(out)
}

/// Whether `text` is what peergen prints: printable text, line feeds, tabs and colour codes
/// (`ESC [ digits and ; m`). The cache sits in a folder someone else may write, and its
/// text goes to a terminal: any other control sequence (a title, a cursor move, a
/// hyperlink) makes the cache one that does not match.
fn plain_or_styled(text: &str) -> bool {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() != Some('[') {
                return false;
            }
            loop {
                match chars.next() {
                    Some('m') => break,
                    Some(d) if d.is_ascii_digit() || d == ';' => {}
                    _ => return false,
                }
            }
        } else if c != '\n' && c != '\t' && peergen_core::text::is_unprintable(c) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_colour_codes_are_replayed() {
        assert!(plain_or_styled(
            "\u{1b}[1;33mwarning\u{1b}[0m: x\nnote: y\n"
        ));
        assert!(!plain_or_styled("\u{1b}]0;title\u{7}"));
        assert!(!plain_or_styled("\u{1b}[2J"));
        assert!(!plain_or_styled("a\rb"));
        assert!(!plain_or_styled("a\u{202e}b"));
        assert!(!plain_or_styled("\u{1b}[1;33"));
    }

    #[test]
    fn said_round_trips() {
        let text = "\u{1b}[1;33mwarning\u{1b}[0m: a \\ b\r\nnote: c\n\\n";
        let line = escape(text);
        assert!(!line.contains('\n') && !line.contains('\r'));
        assert_eq!(unescape(&line).as_deref(), Some(text));
        assert_eq!(unescape("a\\x"), None);
        assert_eq!(unescape("a\\"), None);
    }

    #[test]
    fn lines_round_trip() {
        let r = Entry {
            stat: Stat {
                regular: true,
                mode: 0o600,
                size: 12,
                mtime_ns: 1_700_000_000_123_456_789,
                ctime_ns: 1_700_000_000_123_456_790,
                inode: 42,
            },
            hash: content_hash(b"x"),
            path: "systemd/network/20-gre.netdev".into(),
        };
        let mut text = String::new();
        push_line(&mut text, &r);
        let back = parse_line(text.trim_end_matches('\n')).expect("parses");
        assert_eq!((back.stat, back.hash, back.path), (r.stat, r.hash, r.path));
    }

    #[test]
    fn hostile_paths_are_not_entries() {
        let hash = hex(&content_hash(b"x"));
        for path in ["../etc/passwd", "/etc/passwd", "a/../../b"] {
            assert!(parse_line(&format!("1 2 3 4 0644 {hash}\t{path}")).is_none());
        }
    }
}
