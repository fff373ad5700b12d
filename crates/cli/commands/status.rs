//! `peergen status`: compares the live host with what peer files define for this end,
//! read-only. The comparison is `peergen_core::status`; this module answers its
//! questions (running `ip`, `wg`, `birdc` and `vtysh`, [`probe`]) and prints the result ([`report`]).

mod exec;
mod probe;
mod report;

use peergen_core::status::gather::{gather, BgpSockets, GatherError, Host};
use peergen_core::status::{compare, Options, Verdict};
use peergen_core::{Backend, Side};

use crate::args::StatusArgs;
use crate::exit::Exit;
use crate::plan::Plan;

/// Runs the command: exit 0 when everything matches, 1 when anything differs, 69 when
/// the host could not be inspected for some peer.
pub fn run(args: &StatusArgs) -> Exit {
    match try_run(args) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn inspect<H: Host<Error = String>>(
    host: &mut H,
    peer: &peergen_core::Peer,
    networkd_rendered: bool,
    bgp: Option<&BgpSockets>,
) -> Result<peergen_core::status::host::HostState, String> {
    gather(peer, host, networkd_rendered, bgp).map_err(|err| match err {
        GatherError::Host(message) => message,
        GatherError::Parse(err) => err.to_string(),
    })
}

fn try_run(args: &StatusArgs) -> Result<Exit, Exit> {
    let plan = Plan::resolve(args.config.as_deref(), &args.peers)?;
    let site = &plan.site;
    let side: Side = args.side.or(site.render.side).unwrap_or_default();
    let loaded = plan.load_peers()?;
    let networkd_rendered = site
        .render
        .backends
        .iter()
        .any(|b| matches!(b, Backend::Networkd | Backend::Netplan));
    let options = Options {
        handshake_max_age: args.handshake_max_age,
    };
    let sockets = BgpSockets {
        bird: args.bird_socket.clone(),
        frr_vty: args.frr_vty_socket.clone(),
    };
    let bgp = (!args.no_bgp).then_some(&sockets);
    let mut results = Vec::with_capacity(loaded.len());
    for l in &loaded {
        let peer = l.peer.for_side(side);
        let state = match &args.host_state {
            Some(dir) => inspect(
                &mut probe::Recorded(dir.clone()),
                &peer,
                networkd_rendered,
                bgp,
            ),
            None => inspect(&mut probe::Live, &peer, networkd_rendered, bgp),
        };
        results.push(report::PeerResult {
            name: &l.peer.name,
            kind: l.peer.kind().as_str(),
            source: &l.source,
            outcome: state.map(|host| compare(&peer, l.source.text(), &host, &options)),
        });
    }
    let exit = if results.iter().any(|r| r.outcome.is_err()) {
        Exit::Unavailable
    } else if results
        .iter()
        .any(|r| r.outcome.as_ref().is_ok_and(|o| o.verdict != Verdict::Ok))
    {
        Exit::Drift
    } else {
        Exit::Ok
    };
    if args.json {
        report::json(&results, side.as_str(), exit as u8);
    } else {
        report::text(&results);
    }
    Ok(exit)
}
