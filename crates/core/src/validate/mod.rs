//! Validation: raw peer file → typed [`Peer`], or every problem found.
//!
//! Validation runs once, here, before anything is rendered. It keeps going after a problem
//! so users see all of them at once; each becomes a [`Diagnostic`] with the field, its
//! location, what is wrong and the fix. The checks live in one module per concern.

mod addresses;
mod bgp;
mod bridge;
mod checker;
mod endpoints;
mod mtu;
mod names;
mod options;
mod placeholder;
mod routes;
mod site;
mod toml_error;
mod wireguard;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::kind::TunnelKind;
use crate::peer::{End, Peer};
use crate::raw::RawPeer;
use crate::side::Side;
use crate::source::SourceFile;

pub(crate) use checker::Checker;
pub use names::is_valid_interface_name;
pub use placeholder::MARKER as PLACEHOLDER_MARKER;
pub use site::validate_site;
#[doc(hidden)]
pub use toml_error::agrees_with_toml;

use crate::site::Defaults;
use crate::spans::PeerSpans;

/// A valid peer and the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Validated {
    /// The peer, seen from [`Side::Local`].
    pub peer: Peer,
    /// Problems that do not stop rendering (an inline private key, an MTU above the
    /// underlay's).
    pub warnings: Vec<Diagnostic>,
    /// Where the fields cross-peer checks report on are in the file.
    pub spans: PeerSpans,
}

/// Why a peer file did not validate: every error and warning, in file order.
#[derive(Debug, Clone)]
pub struct Invalid {
    /// Errors first appear in the order of the file; warnings are kept for context.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and validates one peer file with built-in defaults only.
pub fn validate(source: &SourceFile) -> Result<Validated, Invalid> {
    validate_with(source, &Defaults::default())
}

/// Parses and validates one peer file; values it leaves out come from `defaults` (the
/// site file).
pub fn validate_with(source: &SourceFile, defaults: &Defaults) -> Result<Validated, Invalid> {
    let raw: RawPeer = toml_error::parse(source.text(), toml_error::FileShape::peer)
        .map_err(|diagnostics| Invalid { diagnostics })?;
    validate_raw(source, &raw, defaults)
}

/// Validates already-parsed raw structs (spans must refer to `source`).
fn validate_raw(
    source: &SourceFile,
    raw: &RawPeer,
    defaults: &Defaults,
) -> Result<Validated, Invalid> {
    let mut ck = Checker::default();
    placeholder::check(&mut ck, source.text());
    let name = names::interface_name(&mut ck, &raw.name);
    let description = raw
        .description
        .as_ref()
        .and_then(|d| names::free_text(&mut ck, "description", d));
    let kind = parse_kind(&mut ck, raw);

    let (local, remote, tunnel, addresses_ok) = match kind {
        Some(kind) => {
            let tunnel = options::tunnel(&mut ck, raw, kind);
            let (local_ep, remote_ep) = endpoints::endpoints(&mut ck, raw, kind, defaults);
            let errors_before_addresses = ck.error_count();
            let (local_addrs, remote_addrs) = addresses::addresses(&mut ck, raw, kind);
            let addresses_ok = ck.error_count() == errors_before_addresses;
            let (local_wg, remote_wg) = wireguard::ends(
                &mut ck,
                raw,
                kind,
                name.as_deref(),
                defaults,
                tunnel.as_ref(),
            );
            let mut local = End {
                endpoint: local_ep,
                addresses: local_addrs,
                wireguard: local_wg,
                routes: Vec::new(),
                bridge: bridge::bridge(&mut ck, raw, Side::Local, kind),
            };
            let mut remote = End {
                endpoint: remote_ep,
                addresses: remote_addrs,
                wireguard: remote_wg,
                routes: Vec::new(),
                bridge: bridge::bridge(&mut ck, raw, Side::Remote, kind),
            };
            // A bridged end's routes are refused by the bridge check; checking them against
            // the tunnel too would only repeat that.
            if !bridge::joins_bridge(raw, Side::Local, kind) {
                local.routes = routes::routes(
                    &mut ck,
                    raw,
                    routes::Ends {
                        side: Side::Local,
                        kind,
                        this: &local,
                        other: &remote,
                        addresses_ok,
                    },
                );
            }
            if !bridge::joins_bridge(raw, Side::Remote, kind) {
                remote.routes = routes::routes(
                    &mut ck,
                    raw,
                    routes::Ends {
                        side: Side::Remote,
                        kind,
                        this: &remote,
                        other: &local,
                        addresses_ok,
                    },
                );
            }
            (Some(local), Some(remote), tunnel, addresses_ok)
        }
        None => (None, None, None, false),
    };

    let bgp = match (kind, &local, &remote) {
        (Some(kind), Some(local), Some(remote)) => bgp::bgp(
            &mut ck,
            raw,
            kind,
            &bgp::Ends {
                local,
                remote,
                addresses_ok,
            },
            defaults.asn,
        ),
        _ => None,
    };

    let mtu = match (&tunnel, &local, &remote) {
        (Some(tunnel), Some(local), Some(remote)) => {
            mtu::mtu(&mut ck, raw, tunnel, local, remote, defaults)
        }
        _ => None,
    };

    match (name, local, remote, tunnel, mtu) {
        (Some(name), Some(local), Some(remote), Some(tunnel), Some(mtu)) if !ck.has_errors() => {
            Ok(Validated {
                peer: Peer {
                    source: source.name().to_owned(),
                    name,
                    description,
                    tunnel,
                    local,
                    remote,
                    mtu,
                    side: Side::Local,
                    bgp: bgp.map(Box::new),
                },
                warnings: ck.into_diagnostics(),
                spans: PeerSpans::of(raw),
            })
        }
        _ => Err(Invalid {
            diagnostics: ck.into_diagnostics(),
        }),
    }
}

fn parse_kind(ck: &mut Checker, raw: &RawPeer) -> Option<TunnelKind> {
    let text = raw.kind.get_ref();
    match text.parse::<TunnelKind>() {
        Ok(kind) => Some(kind),
        Err(_) => {
            let all: Vec<&str> = TunnelKind::ALL.iter().map(|k| k.as_str()).collect();
            let lower = text.to_ascii_lowercase();
            let help = match lower.parse::<TunnelKind>() {
                Ok(k) => format!("kinds are lower case: kind = \"{k}\""),
                Err(_) if lower == "ipip6" || lower == "6in4" => {
                    "6in4 is kind = \"sit\"".to_owned()
                }
                Err(_) if lower == "ipip" => {
                    "IP-in-IP is not rendered; kind = \"gre\" carries IPv4 (and IPv6) over IPv4 for 4 more bytes".to_owned()
                }
                Err(_) if lower == "gre6" || lower == "ip6gre6" => {
                    "GRE over an IPv6 underlay is kind = \"ip6gre\"".to_owned()
                }
                Err(_) if lower == "wg" => "WireGuard is kind = \"wireguard\"".to_owned(),
                Err(_) => format!("use one of: {}", all.join(", ")),
            };
            ck.error(
                DiagnosticKind::UnknownKind,
                "kind",
                raw.kind.span(),
                format!("{text:?} is not a tunnel kind peergen renders"),
                help,
            );
            None
        }
    }
}

#[cfg(test)]
mod tests;
