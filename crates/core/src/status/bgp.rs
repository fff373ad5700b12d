//! The BGP section of `peergen status`. Peer files have no BGP session yet, so nothing
//! here reports; this is where the session checks go (state, since when, prefixes per
//! family), whichever daemon answers.

use std::fmt;

use super::Ctx;
use crate::peer::Peer;

/// The BGP daemons whose structured output `peergen status` will read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BgpDaemon {
    /// BIRD (`birdc`).
    Bird,
    /// FRRouting (`vtysh … json`).
    Frr,
}

impl fmt::Display for BgpDaemon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Bird => "bird",
            Self::Frr => "frr",
        })
    }
}

/// Whether the peer has a BGP session (decides the networkd `ManageForeignRoutes`
/// finding). No peer has one until peer files can declare it.
pub fn peer_has_bgp(_peer: &Peer) -> bool {
    false
}

/// The BGP checks; none until peers have sessions.
pub(super) fn check(_ctx: &mut Ctx<'_>) {}
