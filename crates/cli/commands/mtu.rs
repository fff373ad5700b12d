//! `peergen mtu`: the MTU and the sum behind it.

use camino::Utf8PathBuf;

use crate::exit::Exit;
use crate::load::load_all;

/// Prints `NAME: EXPLANATION` per peer.
pub fn run(paths: &[Utf8PathBuf]) -> Exit {
    match load_all(paths) {
        Ok(loaded) => {
            for l in &loaded {
                println!("{}: {}", l.peer.name, l.peer.mtu.explanation());
            }
            Exit::Ok
        }
        Err(exit) => exit,
    }
}
