//! `peergen check`: validate only.

use camino::Utf8PathBuf;

use crate::exit::Exit;
use crate::load::load_all;

/// Validates every file; diagnostics go to stderr, a one-line verdict to stdout.
pub fn run(paths: &[Utf8PathBuf]) -> Exit {
    match load_all(paths) {
        Ok(loaded) => {
            for l in &loaded {
                println!(
                    "ok: {} ({} {}, MTU {})",
                    l.peer.source,
                    l.peer.kind(),
                    l.peer.name,
                    l.peer.mtu.value
                );
            }
            Exit::Ok
        }
        Err(exit) => exit,
    }
}
