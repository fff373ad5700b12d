//! Exit codes. 0, 1, 2 and 65 are the contract of the design; the others follow
//! sysexits(3) for failures that are neither usage nor data errors.

use std::process::ExitCode;

/// What a command ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// `--check` found files that differ from what would be rendered; `status` found the
    /// host differing from the peer files.
    Drift = 1,
    /// Bad command line (clap also exits 2).
    Usage = 2,
    /// `peergen status`: the host could not be inspected (a tool missing, not root where
    /// needed, a command failed or timed out) (EX_UNAVAILABLE).
    Unavailable = 69,
    /// Invalid input data: a peer file, a key on stdin (EX_DATAERR).
    DataError = 65,
    /// An input file could not be read (EX_NOINPUT).
    NoInput = 66,
    /// An output file could not be created, e.g. a key file exists without `--force`
    /// (EX_CANTCREAT).
    CantCreate = 73,
    /// Writing failed half-way through the operating system (EX_IOERR).
    IoError = 74,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}
