//! What to ask the host about a peer, and how the answers become a [`HostState`].
//!
//! The core decides the questions ([`Query`]: each the exact `ip`/`wg` command or file
//! the answer comes from) and parses the answers; the caller answers them, by running
//! the command or from a folder of recorded outputs ([`Query::recorded`] names the file).
//! So live runs, recorded test states and the capture script share one list. The BGP
//! daemons are asked about each session by the names the renderers give them
//! ([`crate::bgp::Bgp::bird_protocol`], the neighbour's address for FRR).

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;

use super::host::{BgpSessionAnswers, DaemonAnswer, HostState, RouteGet, RpFilter};
use super::parse::{self, ParseError};
use super::parse_bgp;
use crate::peer::{Peer, Route};

/// One thing to read from the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// The host's clock, seconds since the epoch.
    Now,
    /// `ip -j -d link show dev IF`; no answer when the device does not exist.
    Link(String),
    /// `ip -j addr show dev IF`.
    Addresses(String),
    /// `wg show IF dump`; no answer when WireGuard does not know the device.
    Wireguard(String),
    /// `ip -j route get ADDRESS`.
    RouteGet(IpAddr),
    /// `ip -4|-6 -j route show table T exact PREFIX dev IF`: the routes for one destination
    /// (never a whole table, which may hold a full BGP feed); an empty list when the
    /// table does not exist.
    Route {
        /// The table number.
        table: u32,
        /// The destination.
        to: IpNet,
        /// The device.
        dev: String,
    },
    /// A file's text (`/proc/sys/…`, networkd's configuration); no answer when absent.
    File(String),
    /// The names in a folder, one per line; no answer when absent.
    Dir(String),
    /// `birdc -s SOCKET show protocols all PROTOCOL`; no answer when BIRD does not
    /// (birdc or the socket absent).
    Bird {
        /// BIRD's control socket.
        socket: String,
        /// The `protocol bgp` name.
        protocol: String,
    },
    /// `vtysh [--vty_socket DIR] -c 'show bgp neighbors ADDRESS json'`; no answer when
    /// FRR does not (vtysh absent, or no daemon reachable).
    Frr {
        /// The folder of FRR's vty sockets; `None`: vtysh's default.
        vty_socket: Option<String>,
        /// The neighbour's address.
        neighbor: IpAddr,
    },
}

/// Where the BGP daemons listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BgpSockets {
    /// BIRD's control socket (`birdc -s`).
    pub bird: String,
    /// FRR's vty socket folder (`vtysh --vty_socket`); `None`: vtysh's default.
    pub frr_vty: Option<String>,
}

impl BgpSockets {
    /// BIRD's default control socket on Debian and most distributions.
    pub const DEFAULT_BIRD: &'static str = "/run/bird/bird.ctl";
}

impl Query {
    /// The command that answers it, when a command does.
    pub fn command(&self) -> Option<Vec<String>> {
        let words = |w: &[&str]| Some(w.iter().map(|s| (*s).to_owned()).collect());
        match self {
            Self::Link(dev) => words(&["ip", "-j", "-d", "link", "show", "dev", dev]),
            Self::Addresses(dev) => words(&["ip", "-j", "addr", "show", "dev", dev]),
            Self::Wireguard(dev) => words(&["wg", "show", dev, "dump"]),
            Self::RouteGet(ip) => words(&["ip", "-j", "route", "get", &ip.to_string()]),
            // The family: without it `ip route show` lists IPv4 only, even for an
            // IPv6 `exact` prefix.
            Self::Route { table, to, dev } => words(&[
                "ip",
                if to.addr().is_ipv6() { "-6" } else { "-4" },
                "-j",
                "route",
                "show",
                "table",
                &table.to_string(),
                "exact",
                &to.to_string(),
                "dev",
                dev,
            ]),
            Self::Bird { socket, protocol } => {
                words(&["birdc", "-s", socket, "show", "protocols", "all", protocol])
            }
            Self::Frr {
                vty_socket,
                neighbor,
            } => {
                let mut argv = vec!["vtysh".to_owned()];
                if let Some(dir) = vty_socket {
                    argv.extend(["--vty_socket".to_owned(), dir.clone()]);
                }
                argv.extend([
                    "-c".to_owned(),
                    format!("show bgp neighbors {neighbor} json"),
                ]);
                Some(argv)
            }
            Self::Now | Self::File(_) | Self::Dir(_) => None,
        }
    }

    /// The file in a recorded host state folder that holds the answer (see
    /// `fixtures/status/capture.sh`); files and folders keep their path under `root/`.
    pub fn recorded(&self) -> String {
        match self {
            Self::Now => "now".to_owned(),
            Self::Link(dev) => format!("ip-link-{dev}.json"),
            Self::Addresses(dev) => format!("ip-addr-{dev}.json"),
            Self::Wireguard(dev) => format!("wg-{dev}.dump"),
            Self::RouteGet(ip) => format!("ip-route-get-{ip}.json"),
            Self::Route { table, to, dev } => {
                let to = to.to_string().replace('/', "_");
                format!("ip-route-table-{table}-{to}-{dev}.json")
            }
            Self::File(path) | Self::Dir(path) => format!("root{path}"),
            Self::Bird { protocol, .. } => format!("birdc-show-protocols-all-{protocol}.txt"),
            Self::Frr { neighbor, .. } => format!("vtysh-show-bgp-neighbors-{neighbor}.json"),
        }
    }
}

/// Answers queries: by running commands, or from recorded outputs.
pub trait Host {
    /// Why the host could not answer (a tool missing, no permission, a timeout).
    type Error;

    /// The answer's text; `Ok(None)` when the thing asked about does not exist.
    fn ask(&mut self, query: &Query) -> Result<Option<String>, Self::Error>;
}

/// Why a host state could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatherError<E: std::fmt::Display> {
    /// The host did not answer.
    #[error("{0}")]
    Host(E),
    /// It answered something peergen cannot read.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// The networkd configuration file and its drop-in folder.
pub const NETWORKD_CONF: &str = "/etc/systemd/networkd.conf";
/// networkd's drop-ins, read after [`NETWORKD_CONF`] in name order.
pub const NETWORKD_DROP_INS: &str = "/etc/systemd/networkd.conf.d";
/// A file networkd writes while it runs.
pub const NETWORKD_STATE: &str = "/run/systemd/netif/state";

/// Reads everything the comparison of `peer` (seen from the end this host is) needs.
/// `networkd_rendered`: the site renders for networkd or netplan, so networkd is in use
/// even when it is not running right now. `bgp`: where to ask the BGP daemons about the
/// peer's `[bgp]` sessions; `None` asks nothing.
pub fn gather<H: Host>(
    peer: &Peer,
    host: &mut H,
    networkd_rendered: bool,
    bgp: Option<&BgpSockets>,
) -> Result<HostState, GatherError<H::Error>>
where
    H::Error: std::fmt::Display,
{
    let mut ask = |q: Query| host.ask(&q).map_err(GatherError::Host);
    let name = peer.name.clone();
    let mut state = HostState {
        now: ask(Query::Now)?
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0),
        ..HostState::default()
    };
    if let Some(text) = ask(Query::Link(name.clone()))? {
        state.link = Some(parse::link(&text)?);
        if let Some(text) = ask(Query::Addresses(name.clone()))? {
            state.addresses = parse::addresses(&text)?;
        }
        // A point-to-point address present without its peer (netplan's form): the
        // on-link route to the other end's address stands in for the peer.
        for want in &peer.local.addresses {
            let Some(other) = want.peer else { continue };
            let plain = state.addresses.iter().any(|h| {
                h.address.addr() == want.address.addr()
                    && h.peer.is_none()
                    && h.address.prefix_len() == h.address.max_prefix_len()
            });
            if !plain {
                continue;
            }
            let table = Route::MAIN_TABLE;
            let q = Query::Route {
                table,
                to: other,
                dev: name.clone(),
            };
            if let Some(text) = ask(q)? {
                state
                    .routes
                    .extend(parse::routes(&text, other.addr().is_ipv6(), table)?);
            }
        }
        if peer.local.wireguard.is_some() {
            if let Some(text) = ask(Query::Wireguard(name.clone()))? {
                state.wireguard = Some(parse::wg_dump(&text)?);
            }
        }
        for route in &peer.local.routes {
            let (table, to) = (route.effective_table(), route.to);
            let q = Query::Route {
                table,
                to,
                dev: name.clone(),
            };
            if let Some(text) = ask(q)? {
                state
                    .routes
                    .extend(parse::routes(&text, to.addr().is_ipv6(), table)?);
            }
        }
        let file = |t: Option<String>| t.as_deref().and_then(parse::sysctl_u8);
        state.rp_filter = RpFilter {
            interface: file(ask(Query::File(format!(
                "/proc/sys/net/ipv4/conf/{name}/rp_filter"
            )))?),
            all: file(ask(Query::File(
                "/proc/sys/net/ipv4/conf/all/rp_filter".to_owned(),
            ))?),
        };
    }
    // The remote endpoint: the literal address, else (a WireGuard host name) the address
    // WireGuard currently sends to.
    let remote = peer
        .remote
        .endpoint
        .as_ref()
        .and_then(|e| e.ip())
        .or_else(|| {
            let key = peer.remote.wireguard.as_ref()?.public_key;
            let wg = state.wireguard.as_ref()?;
            let p = wg.peers.iter().find(|p| p.public_key == key)?;
            p.endpoint
                .as_deref()?
                .parse::<SocketAddr>()
                .ok()
                .map(|s| s.ip())
        });
    if let Some(ip) = remote {
        if let Some(text) = ask(Query::RouteGet(ip))? {
            let route: RouteGet = parse::route_get(ip, &text)?;
            state.route_to_remote = Some(route);
        }
    }
    if networkd_rendered || ask(Query::File(NETWORKD_STATE.to_owned()))?.is_some() {
        let mut files = Vec::new();
        if let Some(text) = ask(Query::File(NETWORKD_CONF.to_owned()))? {
            files.push((NETWORKD_CONF.to_owned(), text));
        }
        if let Some(list) = ask(Query::Dir(NETWORKD_DROP_INS.to_owned()))? {
            let mut names: Vec<&str> = list.lines().filter(|n| n.ends_with(".conf")).collect();
            names.sort_unstable();
            for n in names {
                let path = format!("{NETWORKD_DROP_INS}/{n}");
                if let Some(text) = ask(Query::File(path.clone()))? {
                    files.push((path, text));
                }
            }
        }
        state.networkd = Some(parse::networkd_conf(&files));
    }
    if let (Some(model), Some(sockets)) = (&peer.bgp, bgp) {
        let mut answers = Vec::with_capacity(model.sessions.len());
        for session in &model.sessions {
            let protocol = model.bird_protocol(&peer.name, session);
            let bird = match ask(Query::Bird {
                socket: sockets.bird.clone(),
                protocol: protocol.clone(),
            })? {
                Some(text) => parse_bgp::bird_protocol(&protocol, &text),
                None => DaemonAnswer::NotRunning,
            };
            let frr = match ask(Query::Frr {
                vty_socket: sockets.frr_vty.clone(),
                neighbor: session.neighbor,
            })? {
                Some(text) => parse_bgp::frr_neighbor(session.neighbor, &text),
                None => DaemonAnswer::NotRunning,
            };
            answers.push(BgpSessionAnswers { bird, frr });
        }
        state.bgp = Some(answers);
    }
    Ok(state)
}
