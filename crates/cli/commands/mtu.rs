//! `peergen mtu`: the MTU and the sum behind it.

use camino::{Utf8Path, Utf8PathBuf};

use crate::exit::Exit;
use crate::plan::Plan;

/// Prints `NAME: EXPLANATION` per peer.
pub fn run(config: Option<&Utf8Path>, paths: &[Utf8PathBuf]) -> Exit {
    match Plan::resolve(config, paths).and_then(|plan| plan.load_peers()) {
        Ok(loaded) => {
            for l in &loaded {
                crate::outln!("{}: {}", l.peer.name, l.peer.mtu.explanation());
            }
            Exit::Ok
        }
        Err(exit) => exit,
    }
}
