//! Atomic file writing: a temporary file in the target folder, created with its final
//! mode, synced, then moved into place, so readers never see half a file and a secret is
//! never readable by others, not even for a moment.

use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

/// Whether an existing file may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Replace it (rendered files; keys with `--force`).
    Replace,
    /// Fail with `AlreadyExists` (keys without `--force`).
    Refuse,
}

/// What survives a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The file is flushed to disk before it replaces the old one (keys and peer files:
    /// the only copy of something a user cannot simply render again).
    Synced,
    /// Readers see the old or the new file, never a mix; after a crash a re-render
    /// restores it. Rendered configuration is reproducible, and a flush per file made
    /// writing thousands of files many times slower (netplan's generator does not flush
    /// either).
    Atomic,
}

/// Writes `contents` to `path` with `mode`, atomically.
pub fn write_atomic(
    path: &Path,
    contents: &[u8],
    mode: u32,
    overwrite: Overwrite,
    durability: Durability,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let tmp = temp_path(dir, name);
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        file.write_all(contents)?;
        // `mode` passed to open(2) is reduced by the umask; set it exactly when the umask
        // could have changed it (an extra inode update per file otherwise).
        if umask_may_strip(mode) {
            file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(mode))?;
        }
        if durability == Durability::Synced {
            file.sync_all()?;
        }
        match overwrite {
            Overwrite::Replace => fs::rename(&tmp, path),
            // link(2) never replaces an existing file: an atomic "create, don't clobber".
            Overwrite::Refuse => fs::hard_link(&tmp, path).and_then(|()| fs::remove_file(&tmp)),
        }
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Whether creating a file with `mode` may not give exactly `mode` under this process's
/// umask. The umask is read once from `/proc/self/status` (std has no call for it); where
/// that is unavailable the answer is always yes, so the mode is then always set.
pub(crate) fn umask_may_strip(mode: u32) -> bool {
    static UMASK: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();
    let umask = UMASK.get_or_init(|| {
        let status = fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find_map(|l| l.strip_prefix("Umask:"))?;
        u32::from_str_radix(line.trim(), 8).ok()
    });
    match umask {
        Some(mask) => mode & mask != 0,
        None => true,
    }
}

/// A fresh temporary name next to `name`. Random, and created exclusively: a leftover
/// of a killed run (or a reused process id) can never make a later run fail.
fn temp_path(dir: &Path, name: &std::ffi::OsStr) -> PathBuf {
    use rand_core::RngCore as _;
    let mut tmp = std::ffi::OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".peergen-{:016x}.tmp", rand_core::OsRng.next_u64()));
    dir.join(tmp)
}

/// Creates a file the user asked for by name (a key, a starter peer file): synced, and
/// never over an existing file unless `force`. `what` names the file in messages;
/// `replaced` says what replacing it would lose. Errors are reported; the exit is 73.
pub fn create_requested(
    path: &camino::Utf8Path,
    contents: &[u8],
    mode: u32,
    force: bool,
    what: &str,
    replaced: &str,
) -> Result<(), crate::exit::Exit> {
    let overwrite = if force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    write_atomic(
        path.as_std_path(),
        contents,
        mode,
        overwrite,
        Durability::Synced,
    )
    .map_err(|err| {
        if err.kind() == io::ErrorKind::AlreadyExists {
            crate::present::error(&format!(
                "{path} already exists; not replacing {what} (use --force to replace it{replaced})"
            ));
        } else {
            crate::present::error(&format!("{path}: cannot write {what}: {err}"));
        }
        crate::exit::Exit::CantCreate
    })
}
