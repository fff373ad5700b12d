//! Format oracles for rendered files, shared by the stable test `tests/oracles.rs` and the
//! fuzz target in `fuzz/`: what must hold for every file peergen writes, whatever the peer
//! file said.
//!
//! - [`text`]: no control, line-separator or bidi characters; one line break at the end;
//! - [`paths`]: install paths relative, inside the backend's folder;
//! - [`ini`]: networkd and wg-quick files have only the template's sections and keys;
//! - [`yaml`]: netplan files parse as YAML 1.1 into only the template's keys;
//! - [`shell`]: script lines (and wg-quick `PostUp`) quote every value;
//! - [`pipeline`]: a whole peer file through parse → validate → render, every backend and
//!   side, with the checks above, and diagnostics that render.
//!
//! What a file may contain is read from the built-in templates ([`template`]), so the
//! oracles follow the templates instead of a list that could drift.

pub mod ini;
pub mod paths;
pub mod pipeline;
pub mod shell;
pub mod template;
pub mod text;
pub mod yaml;

use std::fmt;

use peergen_core::Backend;
use peergen_render::RenderedFile;

/// One broken promise about a rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The oracle that found it (`text`, `path`, `ini`, `yaml`, `shell`, `pipeline`).
    pub oracle: &'static str,
    /// The file's install path (or the peer file for pipeline problems).
    pub file: String,
    /// 1-based line, 0 for the whole file.
    pub line: usize,
    /// What is wrong.
    pub detail: String,
}

impl Violation {
    /// A violation found by `oracle` in `file` at `line`.
    pub fn new(oracle: &'static str, file: &str, line: usize, detail: impl Into<String>) -> Self {
        Self {
            oracle,
            file: file.to_owned(),
            line,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {}:{}: {}",
            self.oracle, self.file, self.line, self.detail
        )
    }
}

/// Runs every oracle that applies to the files of one render of interface `name`.
pub fn check_files(backend: Backend, name: &str, files: &[RenderedFile]) -> Vec<Violation> {
    let mut out = Vec::new();
    for file in files {
        let path = file.path.as_str();
        paths::check(backend, name, &file.path, &mut out);
        text::check(path, &file.contents, &mut out);
        match backend {
            Backend::WgQuick => {
                ini::check(path, &file.contents, &mut out);
                shell::check_post_up(path, &file.contents, &mut out);
            }
            Backend::Networkd => ini::check(path, &file.contents, &mut out),
            Backend::Netplan => yaml::check(path, name, &file.contents, &mut out),
            Backend::Ip => shell::check_script(path, &file.contents, &mut out),
            // The daemons' own parsers check these files (tests/bgp_parsers.rs).
            Backend::Bird | Backend::Frr => {}
        }
    }
    out
}
