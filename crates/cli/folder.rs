//! The output folder, reached only through handles: every folder and file below it is
//! opened relative to its parent's handle with `O_NOFOLLOW`, so a symlink placed below
//! the folder is never followed (a symlinked `systemd/network` cannot redirect writes or
//! removals, and a link to `/proc/self/environ` is never read into a `--check` diff).
//! Only regular files are read, opened non-blocking so a FIFO cannot hang a run, and
//! reads are capped. The folder given with `--out` may itself be a symlink: that is the
//! user's explicit choice.
//!
//! A run holds a lock on the folder for its whole length (exclusive to write, shared to
//! compare), so two runs never interleave their manifest updates. Temporary files have
//! unique names created exclusively; leftovers of a killed run are recognised by name and
//! removed by the next run that writes the folder.
//!
//! A [`Folder`] is shared by the threads that write it: the handles and listings of its
//! subfolders sit behind locks, every file operation works on its own handle.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read as _, Write as _};
use std::os::fd::{AsRawFd as _, OwnedFd};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use camino::{Utf8Path, Utf8PathBuf};
use rustix::fs::{AtFlags, FileType, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::exit::Exit;
use crate::present;

/// Mode of the folders peergen creates (explicit, so a umask of 000 cannot make them
/// writable by everyone).
pub const FOLDER_MODE: u32 = 0o755;

/// Marks peergen's temporary files: `.NAME.peergen-RANDOM.tmp`.
const TEMP_MARK: &str = ".peergen-";
const TEMP_SUFFIX: &str = ".tmp";

/// What a run may do in the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Create, replace and remove files (exclusive lock).
    Write,
    /// Only read (shared lock); a missing folder reads as empty.
    Read,
}

/// A file found in the folder.
pub enum Found {
    /// Nothing there.
    Absent,
    /// A regular file; `text` is `None` when it is larger than the cap.
    Regular {
        /// Contents (lossily decoded), up to the cap.
        text: Option<String>,
        /// Size in bytes.
        size: u64,
        /// Permission bits.
        mode: u32,
    },
    /// Something else (symlink, FIFO, folder, …), named for messages.
    Other(&'static str),
}

/// What `lstat` says of a file ([`Folder::stat`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// Whether it is a regular file (not a symlink, folder, FIFO, …).
    pub regular: bool,
    /// Permission bits.
    pub mode: u32,
    /// Size in bytes.
    pub size: u64,
    /// Last modification, in nanoseconds since the epoch.
    pub mtime_ns: i128,
    /// Last status change (any write, chmod, rename or link), in nanoseconds.
    pub ctime_ns: i128,
    /// Inode number (a file replaced by another has another one).
    pub inode: u64,
}

/// One folder below the root: its handle and what it holds.
struct Sub {
    fd: OwnedFd,
    entries: Mutex<HashMap<String, FileType>>,
}

impl Sub {
    fn entries(&self) -> MutexGuard<'_, HashMap<String, FileType>> {
        // A panicking thread ends the run anyway; the listing itself stays valid.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What the listing says is at `name`.
    fn kind(&self, name: &str) -> Option<FileType> {
        self.entries().get(name).copied()
    }
}

/// Folders below the root by relative path (`""` is the root); `None`: absent.
type Subs = HashMap<String, Option<Arc<Sub>>>;

/// An open, locked output folder.
pub struct Folder {
    path: Utf8PathBuf,
    access: Access,
    /// `None` when reading a folder that does not exist.
    root: Option<OwnedFd>,
    subs: Mutex<Subs>,
    run_id: u64,
    counter: AtomicU64,
}

/// How new files are made to appear whole ([`Folder::write`]), found out on first use.
static LINKING: AtomicU8 = AtomicU8::new(LINK_UNTRIED);
const LINK_UNTRIED: u8 = 0;
/// `linkat` of the open file itself (`AT_EMPTY_PATH`; needs `CAP_DAC_READ_SEARCH`).
const LINK_EMPTY_PATH: u8 = 1;
/// `linkat` through `/proc/self/fd`.
const LINK_PROC: u8 = 2;
/// No unnamed files here (file system, kernel or no `/proc`): a named temporary file,
/// renamed into place.
const LINK_NONE: u8 = 3;

fn errno_text(err: Errno) -> std::io::Error {
    std::io::Error::from(err)
}

/// What a file type is called in messages.
fn type_name(kind: FileType) -> &'static str {
    match kind {
        FileType::Symlink => "a symlink",
        FileType::Directory => "a folder",
        FileType::Fifo => "a FIFO",
        FileType::Socket => "a socket",
        FileType::CharacterDevice | FileType::BlockDevice => "a device",
        _ => "not a regular file",
    }
}

/// Whether `name` is a temporary file of an earlier peergen run.
pub fn is_leftover(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(TEMP_SUFFIX) && name.contains(TEMP_MARK)
}

/// Waits for the lock, saying so when another run holds it.
fn lock(fd: &OwnedFd, access: Access, path: &Utf8Path) -> Result<(), Exit> {
    let (try_op, wait_op) = match access {
        Access::Write => (
            FlockOperation::NonBlockingLockExclusive,
            FlockOperation::LockExclusive,
        ),
        Access::Read => (
            FlockOperation::NonBlockingLockShared,
            FlockOperation::LockShared,
        ),
    };
    let mut op = try_op;
    loop {
        match rustix::fs::flock(fd, op) {
            Ok(()) => return Ok(()),
            Err(Errno::INTR) => {}
            Err(Errno::WOULDBLOCK) if op == try_op => {
                eprintln!("note: waiting for another peergen run to finish with {path}");
                op = wait_op;
            }
            Err(err) => {
                present::error(&format!("cannot lock {path}: {}", errno_text(err)));
                return Err(Exit::IoError);
            }
        }
    }
}

impl Folder {
    /// Opens (for `Write`: creates) the folder and locks it.
    pub fn open(path: &Utf8Path, access: Access) -> Result<Self, Exit> {
        if access == Access::Write {
            use std::os::unix::fs::DirBuilderExt as _;
            if let Err(err) = std::fs::DirBuilder::new()
                .recursive(true)
                .mode(FOLDER_MODE)
                .create(path)
            {
                present::error(&format!("cannot create {path}: {err}"));
                return Err(Exit::CantCreate);
            }
        }
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let root = match rustix::fs::open(path.as_str(), flags, Mode::empty()) {
            Ok(fd) => Some(fd),
            Err(Errno::NOENT) if access == Access::Read => None,
            Err(err) => {
                present::error(&format!("cannot open folder {path}: {}", errno_text(err)));
                return Err(if access == Access::Write {
                    Exit::CantCreate
                } else {
                    Exit::NoInput
                });
            }
        };
        if let Some(fd) = &root {
            lock(fd, access, path)?;
        }
        let mut run_id = 0u64;
        if access == Access::Write {
            use rand_core::RngCore as _;
            run_id = rand_core::OsRng.next_u64();
        }
        Ok(Self {
            path: path.to_owned(),
            access,
            root,
            subs: Mutex::new(HashMap::new()),
            run_id,
            counter: AtomicU64::new(0),
        })
    }

    /// The folder as the user named it.
    pub fn path(&self) -> &Utf8Path {
        &self.path
    }

    /// `rel` below the folder, for messages.
    pub fn show(&self, rel: &Utf8Path) -> Utf8PathBuf {
        self.path.join(rel)
    }

    /// The folder `rel` (`""`: the root), opened and listed once; `None` when it does not
    /// exist and `create` is false.
    fn sub(&self, rel: &str, create: bool) -> Result<Option<Arc<Sub>>, Exit> {
        let mut subs = self.subs.lock().unwrap_or_else(PoisonError::into_inner);
        self.sub_in(&mut subs, rel, create)
    }

    fn sub_in(&self, subs: &mut Subs, rel: &str, create: bool) -> Result<Option<Arc<Sub>>, Exit> {
        let known = subs.get(rel).map(Option::is_some);
        let needs_open = match known {
            Some(true) => false,
            Some(false) => create,
            None => true,
        };
        if needs_open {
            let opened = self.open_sub(subs, rel, create)?.map(Arc::new);
            subs.insert(rel.to_owned(), opened);
        }
        Ok(subs.get(rel).cloned().flatten())
    }

    fn open_sub(&self, subs: &mut Subs, rel: &str, create: bool) -> Result<Option<Sub>, Exit> {
        let fd = if rel.is_empty() {
            let Some(root) = &self.root else {
                return Ok(None);
            };
            rustix::io::fcntl_dupfd_cloexec(root, 0).map_err(|err| {
                present::error(&format!("cannot open {}: {}", self.path, errno_text(err)));
                Exit::IoError
            })?
        } else {
            let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel));
            let shown = self.path.join(rel);
            let write = self.access == Access::Write;
            let Some(parent_sub) = self.sub_in(subs, parent, create)? else {
                return Ok(None);
            };
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match parent_sub.kind(name).as_ref() {
                None if !create => return Ok(None),
                None => {
                    match rustix::fs::mkdirat(
                        &parent_sub.fd,
                        name,
                        Mode::from_raw_mode(FOLDER_MODE),
                    ) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(err) => {
                            present::error(&format!("cannot create {shown}: {}", errno_text(err)));
                            return Err(Exit::CantCreate);
                        }
                    }
                }
                Some(FileType::Directory | FileType::Unknown) => {}
                Some(&other) => return Err(not_a_folder(&shown, type_name(other), write)),
            }
            match rustix::fs::openat(&parent_sub.fd, name, flags, Mode::empty()) {
                Ok(fd) => fd,
                Err(Errno::LOOP | Errno::NOTDIR) => {
                    return Err(not_a_folder(&shown, "a symlink or not a folder", write))
                }
                Err(Errno::NOENT) if !create => return Ok(None),
                Err(err) => {
                    present::error(&format!("cannot open folder {shown}: {}", errno_text(err)));
                    return Err(Exit::IoError);
                }
            }
        };
        let entries = Mutex::new(self.list(&fd, rel)?);
        Ok(Some(Sub { fd, entries }))
    }

    /// The names in a folder with their types; a writing run removes peergen's leftover
    /// temporary files on the way (it holds the lock, so they belong to no live run).
    fn list(&self, fd: &OwnedFd, rel: &str) -> Result<HashMap<String, FileType>, Exit> {
        let shown = self.path.join(rel);
        let dir = rustix::fs::Dir::read_from(fd).map_err(|err| {
            present::error(&format!("cannot read folder {shown}: {}", errno_text(err)));
            Exit::IoError
        })?;
        let mut entries = HashMap::new();
        for entry in dir {
            let entry = entry.map_err(|err| {
                present::error(&format!("cannot read folder {shown}: {}", errno_text(err)));
                Exit::IoError
            })?;
            let Ok(name) = entry.file_name().to_str() else {
                continue;
            };
            if name == "." || name == ".." {
                continue;
            }
            if self.access == Access::Write && is_leftover(name) {
                match rustix::fs::unlinkat(fd, name, AtFlags::empty()) {
                    Ok(()) | Err(Errno::NOENT) => continue,
                    Err(err) => {
                        present::error(&format!(
                            "cannot remove the leftover temporary file {}: {}",
                            shown.join(name),
                            errno_text(err)
                        ));
                        return Err(Exit::IoError);
                    }
                }
            }
            entries.insert(name.to_owned(), entry.file_type());
        }
        Ok(entries)
    }

    /// Splits a relative file path into its folder and name.
    fn split(file: &Utf8Path) -> (&str, &str) {
        file.as_str()
            .rsplit_once('/')
            .unwrap_or(("", file.as_str()))
    }

    /// What `lstat` says of `file` (relative): one `fstatat` without following a
    /// symlink, relative to its folder's handle; `None` when it (or its folder) is absent.
    pub fn stat(&self, file: &Utf8Path) -> Result<Option<Stat>, Exit> {
        let (parent, name) = Self::split(file);
        let Some(sub) = self.sub(parent, false)? else {
            return Ok(None);
        };
        let st = match rustix::fs::statat(&sub.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => st,
            Err(Errno::NOENT | Errno::NOTDIR) => return Ok(None),
            Err(err) => return Err(self.read_failed(file, errno_text(err))),
        };
        let ns = |secs: i64, nsecs: i64| i128::from(secs) * 1_000_000_000 + i128::from(nsecs);
        #[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
        Ok(Some(Stat {
            regular: FileType::from_raw_mode(st.st_mode) == FileType::RegularFile,
            mode: st.st_mode & 0o7777,
            size: u64::try_from(st.st_size).unwrap_or(u64::MAX),
            mtime_ns: ns(st.st_mtime as i64, st.st_mtime_nsec as i64),
            ctime_ns: ns(st.st_ctime as i64, st.st_ctime_nsec as i64),
            inode: st.st_ino as u64,
        }))
    }

    /// What is at `file` (relative), reading at most `cap` bytes of a regular file.
    pub fn read(&self, file: &Utf8Path, cap: u64) -> Result<Found, Exit> {
        let shown = self.show(file);
        let (parent, name) = Self::split(file);
        let Some(sub) = self.sub(parent, false)? else {
            return Ok(Found::Absent);
        };
        match sub.kind(name).as_ref() {
            None => return Ok(Found::Absent),
            Some(FileType::RegularFile | FileType::Unknown) => {}
            Some(&other) => return Ok(Found::Other(type_name(other))),
        }
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = match rustix::fs::openat(&sub.fd, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(Found::Absent),
            Err(Errno::LOOP) => return Ok(Found::Other("a symlink")),
            Err(err) => {
                present::error(&format!("cannot read {shown}: {}", errno_text(err)));
                return Err(Exit::IoError);
            }
        };
        let stat = rustix::fs::fstat(&fd).map_err(|err| {
            present::error(&format!("cannot read {shown}: {}", errno_text(err)));
            Exit::IoError
        })?;
        let kind = FileType::from_raw_mode(stat.st_mode);
        if kind != FileType::RegularFile {
            return Ok(Found::Other(type_name(kind)));
        }
        let size = u64::try_from(stat.st_size).unwrap_or(0);
        let mode = stat.st_mode & 0o7777;
        if size > cap {
            return Ok(Found::Regular {
                text: None,
                size,
                mode,
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        // The file may grow between fstat and read: never read past the cap.
        File::from(fd)
            .take(cap + 1)
            .read_to_end(&mut bytes)
            .map_err(|err| {
                present::error(&format!("cannot read {shown}: {err}"));
                Exit::IoError
            })?;
        if bytes.len() as u64 > cap {
            return Ok(Found::Regular {
                text: None,
                size: bytes.len() as u64,
                mode,
            });
        }
        Ok(Found::Regular {
            text: Some(String::from_utf8_lossy(&bytes).into_owned()),
            size,
            mode,
        })
    }

    /// Whether `file` already holds exactly `contents` with `mode`. Anything but a
    /// regular file in its place is an error: peergen replaces only what it could have
    /// written.
    ///
    /// This runs for every file of every run, and in a config repo nearly every file is
    /// unchanged, so it costs what reading the file costs and no more: the folder
    /// listing answers for a missing file, `fstat` for a wrong size or mode (nothing is
    /// read then), and otherwise one `read` of exactly the expected size into a buffer
    /// kept across files is compared byte for byte.
    pub fn is_current(&self, file: &Utf8Path, contents: &str, mode: u32) -> Result<bool, Exit> {
        self.is_current_with(file, contents, mode, &mut Vec::new())
    }

    /// [`Folder::is_current`], reading into `scratch` (one per thread, kept across
    /// files).
    pub fn is_current_with(
        &self,
        file: &Utf8Path,
        contents: &str,
        mode: u32,
        scratch: &mut Vec<u8>,
    ) -> Result<bool, Exit> {
        let (parent, name) = Self::split(file);
        let Some(sub) = self.sub(parent, false)? else {
            return Ok(false);
        };
        match sub.kind(name).as_ref() {
            None => return Ok(false),
            Some(FileType::RegularFile | FileType::Unknown) => {}
            Some(&other) => return Err(in_the_way(&self.show(file), type_name(other))),
        }
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = match rustix::fs::openat(&sub.fd, name, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(false),
            Err(Errno::LOOP) => return Err(in_the_way(&self.show(file), "a symlink")),
            Err(err) => return Err(self.read_failed(file, errno_text(err))),
        };
        let stat = rustix::fs::fstat(&fd).map_err(|err| self.read_failed(file, errno_text(err)))?;
        let kind = FileType::from_raw_mode(stat.st_mode);
        if kind != FileType::RegularFile {
            return Err(in_the_way(&self.show(file), type_name(kind)));
        }
        let expected = contents.as_bytes();
        if u64::try_from(stat.st_size).ok() != Some(expected.len() as u64)
            || stat.st_mode & 0o7777 != mode
        {
            return Ok(false);
        }
        let buf = scratch;
        buf.clear();
        buf.resize(expected.len(), 0);
        let mut filled = 0;
        while filled < buf.len() {
            match rustix::io::read(&fd, &mut buf[filled..]) {
                // Shorter than fstat said: it changed under us; write it again.
                Ok(0) => return Ok(false),
                Ok(n) => filled += n,
                Err(Errno::INTR) => {}
                Err(err) => return Err(self.read_failed(file, errno_text(err))),
            }
        }
        Ok(buf[..] == *expected)
    }

    fn read_failed(&self, file: &Utf8Path, err: std::io::Error) -> Exit {
        present::error(&format!("cannot read {}: {err}", self.show(file)));
        Exit::IoError
    }

    /// Writes `file` (relative) atomically with `mode`, creating its folders. A file that
    /// is not there yet is written unnamed (`O_TMPFILE`) and linked into place whole, one
    /// directory update; one that is replaced goes through a named temporary file,
    /// renamed over it.
    pub fn write(&self, file: &Utf8Path, contents: &[u8], mode: u32) -> Result<(), Exit> {
        self.write_parts(file, &[contents], mode)
    }

    /// [`Folder::write`] of the concatenation of `parts`, without making it: a large file
    /// assembled from pieces (the cache of a run of tens of thousands of files) costs no
    /// second copy in memory.
    pub fn write_parts(&self, file: &Utf8Path, parts: &[&[u8]], mode: u32) -> Result<(), Exit> {
        let shown = self.show(file);
        let (parent, name) = Self::split(file);
        let present = match self.sub(parent, false)?.and_then(|s| s.kind(name)) {
            None => false,
            Some(FileType::RegularFile | FileType::Unknown) => true,
            Some(other) => return Err(in_the_way(&shown, type_name(other))),
        };
        let Some(sub) = self.sub(parent, true)? else {
            present::error(&format!("cannot create the folder of {shown}"));
            return Err(Exit::CantCreate);
        };
        let fail = |err: std::io::Error| {
            present::error(&format!("cannot write {shown}: {err}"));
            Exit::IoError
        };
        let linked = if present {
            false
        } else {
            create_unnamed(&sub, name, parts, mode).map_err(fail)?
        };
        if !linked {
            self.replace(&sub, name, parts, mode).map_err(fail)?;
        }
        sub.entries().insert(name.to_owned(), FileType::RegularFile);
        Ok(())
    }

    /// Writes a named temporary file next to `name` and renames it over `name`.
    fn replace(&self, sub: &Sub, name: &str, parts: &[&[u8]], mode: u32) -> std::io::Result<()> {
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let mut tries = 0;
        let (tmp, fd) = loop {
            let counter = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
            let run_id = self.run_id;
            let tmp = format!(".{name}{TEMP_MARK}{run_id:016x}-{counter:x}{TEMP_SUFFIX}");
            match rustix::fs::openat(&sub.fd, tmp.as_str(), flags, Mode::from_raw_mode(mode)) {
                Ok(fd) => break (tmp, fd),
                // Unique by construction; a clash means a stranger's file: take another.
                Err(Errno::EXIST) if tries < 100 => tries += 1,
                Err(err) => return Err(errno_text(err)),
            }
        };
        let result = fill(fd, parts, mode).and_then(|_| {
            rustix::fs::renameat(&sub.fd, tmp.as_str(), &sub.fd, name).map_err(errno_text)
        });
        if result.is_err() {
            let _ = rustix::fs::unlinkat(&sub.fd, tmp.as_str(), AtFlags::empty());
        }
        result
    }

    /// Whether a regular file (or something of unknown type) is at `file`.
    pub fn holds_file(&self, file: &Utf8Path) -> Result<bool, Exit> {
        let (parent, name) = Self::split(file);
        Ok(self.sub(parent, false)?.is_some_and(|s| {
            matches!(
                s.kind(name),
                Some(FileType::RegularFile | FileType::Unknown)
            )
        }))
    }

    /// Fails, as [`Folder::write`] would, when something other than a regular file is at
    /// `file` or at one of its folders; so that a run can refuse before it writes
    /// anything.
    pub fn check_place(&self, file: &Utf8Path) -> Result<(), Exit> {
        let (parent, name) = Self::split(file);
        match self.sub(parent, false)?.and_then(|s| s.kind(name)) {
            None | Some(FileType::RegularFile | FileType::Unknown) => Ok(()),
            Some(other) => Err(in_the_way(&self.show(file), type_name(other))),
        }
    }

    /// Removes `file`; a file that is already gone counts as removed.
    pub fn remove(&self, file: &Utf8Path) -> Result<(), Exit> {
        let shown = self.show(file);
        let (parent, name) = Self::split(file);
        let Some(sub) = self.sub(parent, false)? else {
            return Ok(());
        };
        match rustix::fs::unlinkat(&sub.fd, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => {}
            Err(err) => {
                present::error(&format!("cannot remove {shown}: {}", errno_text(err)));
                return Err(Exit::IoError);
            }
        }
        sub.entries().remove(name);
        Ok(())
    }
}

/// Writes `contents` to the new file `fd`, sets `mode` exactly, closes it.
fn fill(fd: OwnedFd, parts: &[&[u8]], mode: u32) -> std::io::Result<OwnedFd> {
    let mut handle = File::from(fd);
    for part in parts {
        handle.write_all(part)?;
    }
    if crate::write::umask_may_strip(mode) {
        rustix::fs::fchmod(&handle, Mode::from_raw_mode(mode)).map_err(errno_text)?;
    }
    Ok(OwnedFd::from(handle))
}

/// Creates `name` in `sub` with `contents` and `mode` as an unnamed file (`O_TMPFILE`)
/// linked into place once whole: readers, and a run killed at any instant, see no file
/// or the whole file, at one directory update (a named temporary file and a rename cost
/// two, and were the larger part of writing a fresh folder). `Ok(false)` when this
/// system cannot, or something appeared at `name`: the caller writes it the other way.
fn create_unnamed(sub: &Sub, name: &str, parts: &[&[u8]], mode: u32) -> std::io::Result<bool> {
    let how = LINKING.load(Ordering::Relaxed);
    if how == LINK_NONE {
        return Ok(false);
    }
    let flags = OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC;
    let fd = match rustix::fs::openat(&sub.fd, ".", flags, Mode::from_raw_mode(mode)) {
        Ok(fd) => fd,
        // No O_TMPFILE on this file system or kernel.
        Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOENT) => {
            LINKING.store(LINK_NONE, Ordering::Relaxed);
            return Ok(false);
        }
        Err(err) => return Err(errno_text(err)),
    };
    let fd = fill(fd, parts, mode)?;
    let by_handle = || rustix::fs::linkat(&fd, "", &sub.fd, name, AtFlags::EMPTY_PATH);
    let by_proc = || {
        let proc_path = format!("/proc/self/fd/{}", fd.as_raw_fd());
        rustix::fs::linkat(
            rustix::fs::CWD,
            proc_path.as_str(),
            &sub.fd,
            name,
            AtFlags::SYMLINK_FOLLOW,
        )
    };
    let linked = match how {
        LINK_EMPTY_PATH => by_handle(),
        LINK_PROC => by_proc(),
        _ => match by_handle() {
            Ok(()) => {
                LINKING.store(LINK_EMPTY_PATH, Ordering::Relaxed);
                Ok(())
            }
            // Without CAP_DAC_READ_SEARCH the kernel answers ENOENT (or EPERM).
            Err(Errno::NOENT | Errno::PERM) => match by_proc() {
                Ok(()) => {
                    LINKING.store(LINK_PROC, Ordering::Relaxed);
                    Ok(())
                }
                Err(Errno::EXIST) => Err(Errno::EXIST),
                Err(_) => {
                    LINKING.store(LINK_NONE, Ordering::Relaxed);
                    return Ok(false);
                }
            },
            Err(err) => Err(err),
        },
    };
    match linked {
        Ok(()) => Ok(true),
        // Something appeared at `name` since the folder was listed: replace it instead.
        Err(Errno::EXIST) => Ok(false),
        Err(err) => Err(errno_text(err)),
    }
}

fn not_a_folder(shown: &Utf8Path, what: &str, write: bool) -> Exit {
    present::error(&format!(
        "{shown} is {what}; peergen never follows symlinks below the output folder: replace it with a real folder, or render into another --out"
    ));
    if write {
        Exit::CantCreate
    } else {
        Exit::NoInput
    }
}

fn in_the_way(shown: &Utf8Path, what: &str) -> Exit {
    present::error(&format!(
        "{shown} is {what}, not a regular file; peergen only replaces regular files and never follows symlinks below the output folder: remove it and render again"
    ));
    Exit::CantCreate
}
