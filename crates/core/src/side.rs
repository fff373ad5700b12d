//! Which end of a tunnel is being rendered.
//!
//! A peer file describes both ends. Rendering for [`Side::Remote`] swaps them, so the
//! other operator gets ready files from the same definition.

use std::fmt;
use std::str::FromStr;

/// The end of the tunnel whose files are rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Side {
    /// Our end: `[local]` is this host.
    #[default]
    Local,
    /// The peer's end: `[remote]` is this host.
    Remote,
}

impl Side {
    /// `local` or `remote`, as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Remote => "remote",
        }
    }

    /// Which host this side is, in a few words (command-line help).
    pub fn summary(self) -> &'static str {
        match self {
            Self::Local => "This host: [local] in the peer file",
            Self::Remote => "The peer's host: [remote] in the peer file",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Side {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "local" => Ok(Self::Local),
            "remote" => Ok(Self::Remote),
            other => Err(format!("unknown side {other:?}: use local or remote")),
        }
    }
}
