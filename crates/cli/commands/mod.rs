//! Dispatches each subcommand to its module.

mod check;
mod completions;
mod handoff;
mod init;
mod keys;
mod man;
mod mtu;
mod render;
mod schema;
mod status;

use crate::args::{Args, Command};
use crate::exit::Exit;

/// Runs the parsed command line.
pub fn run(args: Args) -> Exit {
    crate::verbosity::set(args.verbose);
    match args.command {
        Command::Render(args) => render::run(&args),
        Command::Check { peers, config } => check::run(config.as_deref(), &peers),
        Command::Mtu { peers, config } => mtu::run(config.as_deref(), &peers),
        Command::Keygen { out, force } => keys::keygen(out.as_deref(), force),
        Command::Pubkey => keys::pubkey(),
        Command::Genpsk { out, force } => keys::genpsk(out.as_deref(), force),
        Command::Init(args) => init::run(&args),
        Command::Handoff(args) => handoff::run(&args),
        Command::Schema { file } => schema::run(file),
        Command::Status(args) => status::run(&args),
        Command::Completions { shell } => completions::run(shell),
        Command::Man { out } => man::run(out.as_deref()),
    }
}
