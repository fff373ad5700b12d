//! `peergen completions`: a shell completion script, generated from the clap definitions
//! so it always offers exactly the commands, flags and values the binary accepts.

use clap::CommandFactory as _;
use clap_complete::Shell;

use crate::args::Args;
use crate::exit::Exit;

/// Prints the script for `shell` on stdout.
pub fn run(shell: Shell) -> Exit {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Args::command(), "peergen", &mut script);
    crate::out!("{}", String::from_utf8_lossy(&script));
    Exit::Ok
}
