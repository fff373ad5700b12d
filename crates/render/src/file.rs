//! A rendered file: where it goes, its mode, its bytes.

use camino::Utf8PathBuf;

/// One output file. The CLI decides where `path` is rooted and how it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Install path relative to the output root, e.g. `systemd/network/10-wg0.netdev`.
    pub path: Utf8PathBuf,
    /// Unix permission bits (0600 when the file holds a secret or netplan wants it).
    pub mode: u32,
    /// The file's text, ending in a newline.
    pub contents: String,
}
