//! The `peergen` command: parses the command line and hands off to a command module.
//!
//! Everything users see lives here: clap definitions, file reading and writing, exit codes,
//! how errors are shown. The domain is in `peergen-core`, the backends in `peergen-render`.

mod args;
mod commands;
mod exit;
mod folder;
mod inputs;
mod load;
mod manifest;
mod output;
mod parallel;
mod plan;
mod present;
mod repo;
mod stdout;
mod uptodate;
mod verbosity;
mod write;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let args = args::Args::parse();
    commands::run(args).into()
}
