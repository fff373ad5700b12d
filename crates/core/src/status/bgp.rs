//! The BGP section of `peergen status`: for each session the peer's `[bgp]` table
//! derives, which daemon runs it, whether it is Established, and how many prefixes it
//! imports and exports per family.
//!
//! Sessions are looked up by the names the renderers give them: BIRD's protocol name
//! ([`crate::bgp::Bgp::bird_protocol`]) and FRR's neighbour address. BIRD is asked
//! first; a session BIRD does not have is looked up in FRR, so a host may run either.

use std::fmt;
use std::net::IpAddr;

use super::host::{BgpSessionState, DaemonAnswer};
use super::{Check, Ctx};
use crate::bgp::{Bgp, Family};
use crate::peer::Peer;

/// The BGP daemons whose structured output `peergen status` will read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BgpDaemon {
    /// BIRD (`birdc`).
    Bird,
    /// FRRouting (`vtysh … json`).
    Frr,
}

impl BgpDaemon {
    /// `bird` or `frr`, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bird => "bird",
            Self::Frr => "frr",
        }
    }
}

impl fmt::Display for BgpDaemon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the host says about one session, whether or not it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpObservation {
    /// The session's name in BIRD (the protocol), also shown for FRR.
    pub name: String,
    /// The neighbour: the other end's tunnel address.
    pub neighbor: IpAddr,
    /// The daemon that has the session; `None` when none has it.
    pub daemon: Option<BgpDaemon>,
    /// The session as that daemon reports it.
    pub state: Option<BgpSessionState>,
}

/// Whether the peer has a BGP session (decides the networkd `ManageForeignRoutes`
/// finding).
pub fn peer_has_bgp(peer: &Peer) -> bool {
    peer.bgp.is_some()
}

/// The command that shows one session in the daemon that has it.
fn show(daemon: BgpDaemon, name: &str, neighbor: IpAddr) -> String {
    match daemon {
        BgpDaemon::Bird => format!("`birdc show protocols all {name}`"),
        BgpDaemon::Frr => format!("`vtysh -c 'show bgp neighbors {neighbor}'`"),
    }
}

/// The session's state in a few words: state, since when, last error.
fn describe(daemon: BgpDaemon, s: &BgpSessionState) -> String {
    let mut out = format!("{} in {daemon}", s.state);
    if let Some(since) = &s.since {
        out.push_str(&format!(" since {since}"));
    }
    if let Some(secs) = s.for_seconds {
        out.push_str(&format!(" for {secs} s"));
    }
    if let Some(err) = &s.last_error {
        out.push_str(&format!(", last error: {err}"));
    }
    out
}

/// Seconds after a session comes up during which its export count is not compared: the
/// first updates are still being sent (FRR counts 0 sent for a moment after Established).
/// Only FRR says how long a session has been up; BIRD's `since` is a wall-clock time.
pub const EXPORT_SETTLE_SECS: u64 = 30;

/// The exported count that falls short of this end's announce list, if any.
fn short_export(bgp: &Bgp, daemon: BgpDaemon, s: &BgpSessionState) -> Vec<(Family, u64, usize)> {
    if s.for_seconds.is_some_and(|t| t < EXPORT_SETTLE_SECS) {
        return Vec::new();
    }
    // A named export policy decides on its own what goes out: nothing to compare with.
    let named = match daemon {
        BgpDaemon::Bird => bgp.local.bird.export.is_some(),
        BgpDaemon::Frr => bgp.local.frr.export.is_some(),
    };
    if named {
        return Vec::new();
    }
    s.families
        .iter()
        .filter_map(|c| {
            let exported = c.exported?;
            let announced = bgp.exports(c.family).count();
            (exported < announced as u64).then_some((c.family, exported, announced))
        })
        .collect()
}

/// The BGP checks; returns what each daemon reported, for the report.
pub(super) fn check(ctx: &mut Ctx<'_>) -> Vec<BgpObservation> {
    let (Some(bgp), Some(answers)) = (ctx.peer.bgp.as_ref(), ctx.host.bgp.as_ref()) else {
        return Vec::new();
    };
    let name = ctx.peer.name.clone();
    let mut observed = Vec::new();
    let mut running = Vec::new();
    for (session, answer) in bgp.sessions.iter().zip(answers) {
        let protocol = bgp.bird_protocol(&name, session);
        for (daemon, a) in [
            (BgpDaemon::Bird, &answer.bird),
            (BgpDaemon::Frr, &answer.frr),
        ] {
            if *a != DaemonAnswer::NotRunning && !running.contains(&daemon) {
                running.push(daemon);
            }
        }
        let found = match (&answer.bird, &answer.frr) {
            (DaemonAnswer::Session(s), _) => Some((BgpDaemon::Bird, s.clone())),
            (_, DaemonAnswer::Session(s)) => Some((BgpDaemon::Frr, s.clone())),
            _ => None,
        };
        observed.push(BgpObservation {
            name: protocol,
            neighbor: session.neighbor,
            daemon: found.as_ref().map(|(d, _)| *d),
            state: found.map(|(_, s)| s),
        });
    }
    if running.is_empty() {
        let n = bgp.sessions.len();
        let at = ctx.at(&["bgp"]);
        ctx.push_down(
            Check::BgpDaemon,
            at,
            format!(
                "a BGP daemon (BIRD or FRR) running {n} session{} over {name}",
                if n == 1 { "" } else { "s" }
            ),
            "no answer from BIRD (birdc) or FRR (vtysh)",
            Some(
                "start BIRD or FRR with the rendered file included (docs/backends/bird.md, docs/backends/frr.md); if it listens elsewhere, pass --bird-socket or --frr-vty-socket"
                    .to_owned(),
            ),
        );
        return observed;
    }
    for o in &observed {
        let expected = format!("session {} to {} Established", o.name, o.neighbor);
        match (o.daemon, &o.state) {
            (Some(daemon), Some(s)) if !s.is_established() => {
                let at = ctx.at(&["bgp"]);
                ctx.push_down(
                    Check::BgpSession,
                    at,
                    expected,
                    describe(daemon, s),
                    Some(format!(
                        "see why with {}; check that the other end's daemon runs its session (`peergen status --side {}` there) and that the tunnel carries traffic",
                        show(daemon, &o.name, o.neighbor),
                        ctx.other()
                    )),
                );
            }
            (Some(daemon), Some(s)) => {
                for (family, exported, announced) in short_export(bgp, daemon, s) {
                    let at = ctx.at(&[ctx.this(), "announce"]);
                    let list: Vec<String> =
                        bgp.exports(family).map(|a| a.prefix.to_string()).collect();
                    ctx.push(
                        Check::BgpExport,
                        at,
                        format!("{announced} {family} prefix{} exported on {} ({})", if announced == 1 { "" } else { "es" }, o.name, list.join(", ")),
                        format!("{exported} exported by {daemon}"),
                        Some(format!(
                            "a daemon exports only routes in its table: originate each announced prefix ({}); see {}",
                            match daemon {
                                BgpDaemon::Bird => "BIRD: `protocol static { route PREFIX blackhole; }`",
                                BgpDaemon::Frr => "FRR: `network PREFIX` under `router bgp` and a matching route",
                            },
                            match daemon {
                                BgpDaemon::Bird => "docs/backends/bird.md",
                                BgpDaemon::Frr => "docs/backends/frr.md",
                            }
                        )),
                    );
                }
            }
            _ => {
                let names: Vec<&str> = running.iter().map(|d| d.as_str()).collect();
                let at = ctx.at(&["bgp"]);
                ctx.push_down(
                    Check::BgpMissing,
                    at,
                    expected,
                    format!("no such session in {} (which answers)", names.join(" or ")),
                    Some(format!(
                        "include the rendered file and reload: BIRD `include \"/etc/bird/peers/*.conf\";` with bird/peers/{name}.conf, then `birdc configure`; FRR: add frr/peers/{name}.conf to /etc/frr/frr.conf, then `systemctl reload frr`"
                    )),
                );
            }
        }
    }
    observed
}
