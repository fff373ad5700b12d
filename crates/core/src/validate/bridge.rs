//! `bridge` of `[local]` and `[remote]`: the host's bridge a layer 2 tunnel joins.
//!
//! Joining a bridge is what extending a broadcast domain means: frames from the other end
//! come out of the bridge's other ports and the other way round. Only Ethernet-like
//! tunnels (gretap, ip6gretap, vxlan) can be bridge ports. The bridge belongs to the host,
//! so peergen only checks that its name is an interface name other than the tunnel's own.
//!
//! An end with a bridge has no addresses or routes of its own: the bridge takes every
//! frame its port receives, so an address on the port is not reachable from the other
//! end, and a route through the port bypasses the bridge. Both belong on the bridge,
//! which the host configures.

use super::{is_valid_interface_name, Checker};
use crate::diagnostic::DiagnosticKind;
use crate::kind::TunnelKind;
use crate::raw::{RawEnd, RawPeer};
use crate::side::Side;
use toml::Spanned;

/// Validates `bridge` of the end on `side`; `None` when absent or invalid.
pub(crate) fn bridge(
    ck: &mut Checker,
    raw: &RawPeer,
    side: Side,
    kind: TunnelKind,
) -> Option<String> {
    let end = end(raw, side);
    let value = end.get_ref().bridge.as_ref()?;
    let field = format!("{side}.bridge");
    let text = value.get_ref();
    if !kind.is_layer2() {
        ck.error(
            DiagnosticKind::NotForKind,
            &field,
            value.span(),
            format!(
                "kind = \"{kind}\" is a layer 3 tunnel, and only Ethernet-like tunnels can be ports of a bridge"
            ),
            "remove bridge, or use kind = \"gretap\", \"ip6gretap\" or \"vxlan\" to extend the bridge's broadcast domain to the other end",
        );
        return None;
    }
    let name_ok = if !is_valid_interface_name(text) {
        ck.error(
            DiagnosticKind::InvalidName,
            &field,
            value.span(),
            why_not_a_name(text),
            "name the host's bridge as `ip link` shows it: 1 to 15 characters of letters, digits and _ = + . - (not \".\" or \"..\")",
        );
        false
    } else if text == raw.name.get_ref() {
        ck.error(
            DiagnosticKind::InvalidName,
            &field,
            value.span(),
            format!("{text:?} is the tunnel itself, which cannot be a port of itself"),
            "name the host's bridge the tunnel joins (for example \"br0\")",
        );
        false
    } else {
        true
    };
    let this = end.get_ref();
    let addresses = this.addresses.as_ref().filter(|a| !a.get_ref().is_empty());
    if let Some(addresses) = addresses {
        ck.error(
            DiagnosticKind::BridgePort,
            format!("{side}.addresses"),
            addresses.span(),
            format!(
                "[{side}] joins the bridge {text}, and a bridge port's own addresses are not reachable: the bridge takes every frame the port receives"
            ),
            format!(
                "remove addresses from [{side}] and give the bridge {text} the address in the host's network configuration (peergen does not configure the bridge)"
            ),
        );
    }
    let routes = this.routes.as_ref().filter(|r| !r.get_ref().is_empty());
    if let Some(routes) = routes {
        ck.error(
            DiagnosticKind::BridgePort,
            format!("{side}.routes"),
            routes.span(),
            format!(
                "[{side}] joins the bridge {text}, so routes through the tunnel would bypass the bridge"
            ),
            format!(
                "remove routes from [{side}] and route through the bridge {text} in the host's network configuration"
            ),
        );
    }
    name_ok.then(|| text.clone())
}

/// Whether the end on `side` joins a bridge: it names one and the kind can be a bridge
/// port. Its addresses live on the host's bridge then, out of peergen's sight, so the
/// other end's addresses need no counterpart on it, and its own routes are reported here.
pub(crate) fn joins_bridge(raw: &RawPeer, side: Side, kind: TunnelKind) -> bool {
    kind.is_layer2() && end(raw, side).get_ref().bridge.is_some()
}

fn end(raw: &RawPeer, side: Side) -> &Spanned<RawEnd> {
    match side {
        Side::Local => &raw.local,
        Side::Remote => &raw.remote,
    }
}

/// What is wrong with a name `is_valid_interface_name` refuses, in the words of the rule.
fn why_not_a_name(text: &str) -> String {
    let length = text.chars().count();
    if length > 15 {
        format!("{text:?} is {length} characters; Linux interface names have at most 15")
    } else if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_=+.-".contains(*c)))
    {
        format!("{text:?} contains {bad:?}, which is not allowed in an interface name")
    } else {
        format!("{text:?} is not an interface name")
    }
}
