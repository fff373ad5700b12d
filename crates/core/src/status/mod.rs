//! `peergen status`: compares what a peer file defines for one end with what the live
//! host has.
//!
//! The CLI runs the commands (`ip -j …`, `wg show … dump`) and reads a few files; this
//! module parses their text ([`parse`]) into [`host::HostState`] and compares it with
//! the [`Peer`], check by check, into [`Finding`]s. Nothing here does I/O, so every
//! comparison is tested on recorded host states (`fixtures/status/`).

pub mod bgp;
mod finding;
pub mod gather;
pub mod host;
mod link;
pub mod networkd;
pub mod parse;
pub mod parse_bgp;
mod underlay;
mod wireguard;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bgp;

pub use finding::{At, Check, Finding, Section, Verdict};

use crate::peer::Peer;
use crate::side::Side;
use crate::spans::KeyLocator;
use host::HostState;

/// Tunable limits of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// A WireGuard peer with a configured endpoint whose latest handshake is older than
    /// this (seconds), or that never had one, is a finding. WireGuard renews the session
    /// every 120 s while traffic flows (keepalives count), so 180 s leaves a minute of
    /// slack.
    pub handshake_max_age: u64,
}

impl Options {
    /// The default handshake age limit, in seconds.
    pub const DEFAULT_HANDSHAKE_MAX_AGE: u64 = 180;
}

impl Default for Options {
    fn default() -> Self {
        Self {
            handshake_max_age: Self::DEFAULT_HANDSHAKE_MAX_AGE,
        }
    }
}

/// What the host says about a WireGuard peer, whether or not it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireguardObservation {
    /// Seconds since the latest handshake; `None` for never.
    pub handshake_age: Option<u64>,
    /// Bytes received from the peer.
    pub rx_bytes: u64,
    /// Bytes sent to the peer.
    pub tx_bytes: u64,
}

/// The comparison of one peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Ok, differs, or down.
    pub verdict: Verdict,
    /// Every difference, in the order of the checks.
    pub findings: Vec<Finding>,
    /// Handshake and transfer counters of the WireGuard peer, when there is one.
    pub wireguard: Option<WireguardObservation>,
    /// Each BGP session of the peer as a daemon reports it (empty without `[bgp]` or
    /// when the daemons were not asked).
    pub bgp: Vec<bgp::BgpObservation>,
}

/// State shared by the checks of one peer.
pub(crate) struct Ctx<'a> {
    pub peer: &'a Peer,
    pub host: &'a HostState,
    pub options: &'a Options,
    locator: &'a KeyLocator,
    pub findings: Vec<Finding>,
}

impl<'a> Ctx<'a> {
    /// The peer file's table of the end this host is.
    pub fn this(&self) -> &'static str {
        self.peer.side.as_str()
    }

    /// The peer file's table of the other end.
    pub fn other(&self) -> &'static str {
        match self.peer.side {
            Side::Local => Side::Remote.as_str(),
            Side::Remote => Side::Local.as_str(),
        }
    }

    /// The location of a key.
    pub fn at(&self, path: &[&str]) -> Option<At> {
        let found = self.locator.locate(path);
        Some(At {
            span: found.span,
            set: found.set,
        })
    }

    /// Records a finding.
    pub fn push(
        &mut self,
        check: Check,
        at: Option<At>,
        expected: impl Into<String>,
        actual: impl Into<String>,
        fix: Option<String>,
    ) {
        self.findings.push(Finding {
            check,
            down: false,
            expected: expected.into(),
            actual: actual.into(),
            at,
            fix,
        });
    }

    /// Records a finding that means the tunnel is down.
    pub fn push_down(
        &mut self,
        check: Check,
        at: Option<At>,
        expected: impl Into<String>,
        actual: impl Into<String>,
        fix: Option<String>,
    ) {
        self.push(check, at, expected, actual, fix);
        if let Some(last) = self.findings.last_mut() {
            last.down = true;
        }
    }

    /// The step that creates the device from the rendered files, whichever backend made
    /// them.
    pub fn apply(&self) -> String {
        let name = &self.peer.name;
        let wg_quick = if self.peer.local.wireguard.is_some() {
            format!(", `wg-quick up {name}`")
        } else {
            String::new()
        };
        format!("apply the rendered files: `networkctl reload` (networkd), `netplan apply`, `sh {name}.up.sh` (ip){wg_quick}")
    }

    /// Recreating the device: most tunnel parameters cannot change on a live link.
    pub fn recreate(&self) -> String {
        format!(
            "`ip link del dev {}`, then {}",
            self.peer.name,
            self.apply()
        )
    }
}

/// Compares `peer`, as seen from the end this host is (see [`Peer::for_side`]), with
/// the host. `source_text` is the peer file's text, for the findings' locations.
pub fn compare(peer: &Peer, source_text: &str, host: &HostState, options: &Options) -> Report {
    let locator = KeyLocator::new(source_text);
    let mut ctx = Ctx {
        peer,
        host,
        options,
        locator: &locator,
        findings: Vec::new(),
    };
    let present = link::check(&mut ctx);
    let mut observation = None;
    if present {
        if peer.local.wireguard.is_some() {
            observation = wireguard::check(&mut ctx);
        }
        underlay::check(&mut ctx);
        underlay::routes(&mut ctx);
    }
    networkd::check(&mut ctx);
    let bgp = bgp::check(&mut ctx);
    let findings = ctx.findings;
    Report {
        verdict: Verdict::of(&findings),
        findings,
        wireguard: observation,
        bgp,
    }
}
