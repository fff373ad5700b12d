//! The device itself: exists, kind, up, MTU, tunnel parameters, addresses, bridge.

use ipnet::IpNet;

use super::host::{HostEncapLimit, HostRoute, HostTtl, Link};
use super::{Check, Ctx};
use crate::kind::TunnelKind;
use crate::peer::{EncapLimit, Route, Ttl, Tunnel, TunnelAddress};

/// Runs the link checks; returns whether the device exists (the other checks need it).
pub(super) fn check(ctx: &mut Ctx<'_>) -> bool {
    let kind = ctx.peer.kind();
    let name = ctx.peer.name.clone();
    let Some(link) = ctx.host.link.clone() else {
        let fix = ctx.apply();
        ctx.push_down(
            Check::Link,
            ctx.at(&["name"]),
            format!("a {kind} device {name}"),
            "no such device",
            Some(fix),
        );
        return false;
    };
    let actual_kind = link.kind.clone().unwrap_or_else(|| "none".to_owned());
    // wireguard-go (the userspace implementation) shows up as a `tun` device.
    let kind_ok = actual_kind == kind.as_str()
        || (kind == TunnelKind::Wireguard && actual_kind == "tun" && ctx.host.wireguard.is_some());
    if !kind_ok {
        let fix = ctx.recreate();
        ctx.push(
            Check::Kind,
            ctx.at(&["kind"]),
            kind.as_str(),
            actual_kind,
            Some(fix),
        );
    }
    if !link.is_up() {
        ctx.push_down(
            Check::Up,
            None,
            "up",
            format!("down (flags {})", link.flags.join(",")),
            Some(format!("ip link set dev {name} up")),
        );
    } else if link.operstate == "DOWN" {
        ctx.push_down(
            Check::Up,
            None,
            "up",
            "up but without carrier (operstate DOWN)",
            None,
        );
    }
    let mtu = ctx.peer.mtu.value;
    if link.mtu != mtu {
        let this = ctx.this();
        // The MTU is usually computed; the location is the key that would set it.
        let at = ctx.at(&[this, "mtu"]);
        ctx.push(
            Check::Mtu,
            at,
            mtu.to_string(),
            link.mtu.to_string(),
            Some(format!("ip link set dev {name} mtu {mtu}")),
        );
    }
    if kind_ok {
        tunnel(ctx, &link);
    }
    addresses(ctx);
    bridge(ctx, &link);
    true
}

/// The parameters in `linkinfo.info_data`.
fn tunnel(ctx: &mut Ctx<'_>, link: &Link) {
    let info = &link.tunnel;
    let (this, other) = (ctx.this(), ctx.other());
    let table = ctx.peer.kind().as_str();
    if ctx.peer.kind() != TunnelKind::Wireguard {
        for (check, expected, actual, end) in [
            (
                Check::Local,
                ctx.peer.local.endpoint.as_ref().and_then(|e| e.ip()),
                info.local,
                this,
            ),
            (
                Check::Remote,
                ctx.peer.remote.endpoint.as_ref().and_then(|e| e.ip()),
                info.remote,
                other,
            ),
        ] {
            if expected != actual {
                let fix = ctx.recreate();
                ctx.push(
                    check,
                    ctx.at(&[end, "endpoint"]),
                    show(expected),
                    show(actual),
                    Some(fix),
                );
            }
        }
    }
    if let Some(ttl) = ctx.peer.tunnel.ttl() {
        let matches = match (ttl, info.ttl) {
            (Ttl::Fixed(n), Some(HostTtl::Value(m))) => n == m,
            (Ttl::Inherit, None | Some(HostTtl::Inherit | HostTtl::Value(0))) => true,
            _ => false,
        };
        if !matches {
            let fix = ctx.recreate();
            ctx.push(
                Check::Ttl,
                ctx.at(&[table, "ttl"]),
                match ttl {
                    Ttl::Fixed(n) => n.to_string(),
                    Ttl::Inherit => "inherit".to_owned(),
                },
                match info.ttl {
                    Some(HostTtl::Value(0)) | None => "inherit (0)".to_owned(),
                    Some(HostTtl::Value(n)) => n.to_string(),
                    Some(HostTtl::Inherit) => "inherit".to_owned(),
                },
                Some(fix),
            );
        }
    }
    let (key, encap, vxlan) = match &ctx.peer.tunnel {
        Tunnel::Gre(o) | Tunnel::Gretap(o) => (Some(o.key), None, None),
        Tunnel::Ip6Gre(o) | Tunnel::Ip6Gretap(o) => (Some(o.key), Some(o.encap_limit), None),
        Tunnel::Vxlan(o) => (None, None, Some(*o)),
        Tunnel::Sit(_) | Tunnel::Wireguard(_) => (None, None, None),
    };
    if let Some(key) = key {
        if info.ikey != key || info.okey != key {
            let fix = ctx.recreate();
            let keys = |k: Option<u32>| k.map_or_else(|| "none".to_owned(), |k| k.to_string());
            ctx.push(
                Check::Key,
                ctx.at(&[table, "key"]),
                format!("ikey {} okey {}", keys(key), keys(key)),
                format!("ikey {} okey {}", keys(info.ikey), keys(info.okey)),
                Some(fix),
            );
        }
    }
    if let (Some(expected), Some(actual)) = (encap, info.encap_limit) {
        let want = match expected {
            // The option is sent: iproute2 sends limit 4; networkd (and so netplan) sends
            // no limit attribute and the kernel keeps 0. Either is the default.
            EncapLimit::Default => HostEncapLimit::Limit(4),
            EncapLimit::None => HostEncapLimit::None,
            EncapLimit::Limit(n) => HostEncapLimit::Limit(n),
        };
        let networkd_default =
            expected == EncapLimit::Default && actual == HostEncapLimit::Limit(0);
        if want != actual && !networkd_default {
            let text = |e: HostEncapLimit| match e {
                HostEncapLimit::None => "none".to_owned(),
                HostEncapLimit::Limit(n) => n.to_string(),
            };
            let fix = ctx.recreate();
            ctx.push(
                Check::EncapLimit,
                ctx.at(&[table, "encap-limit"]),
                if expected == EncapLimit::Default {
                    "4 (ip) or 0 (networkd): the option sent".to_owned()
                } else {
                    text(want)
                },
                text(actual),
                Some(fix),
            );
        }
    }
    if let Some(o) = vxlan {
        if info.vni != Some(o.vni) {
            let fix = ctx.recreate();
            ctx.push(
                Check::Vni,
                ctx.at(&["vxlan", "vni"]),
                o.vni.to_string(),
                show(info.vni),
                Some(fix),
            );
        }
        if info.port != Some(o.port) {
            let fix = ctx.recreate();
            ctx.push(
                Check::Port,
                ctx.at(&["vxlan", "port"]),
                o.port.to_string(),
                show(info.port),
                Some(fix),
            );
        }
    }
}

fn show<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| v.to_string())
}

fn address_text(a: &TunnelAddress) -> String {
    match a.peer {
        Some(peer) => format!("{} peer {peer}", a.address),
        None => a.address.to_string(),
    }
}

/// Every address of this end, each with its prefix (or point-to-point peer); no other
/// address except the link-local ones the kernel adds by itself.
fn addresses(ctx: &mut Ctx<'_>) {
    let name = ctx.peer.name.clone();
    let this = ctx.this();
    let expected = ctx.peer.local.addresses.clone();
    let host = ctx.host.addresses.clone();
    for (i, want) in expected.iter().enumerate() {
        let index = i.to_string();
        let at = ctx.at(&[this, "addresses", &index]);
        let add = format!("ip address add {} dev {name}", address_text(want));
        match host
            .iter()
            .find(|h| h.address.addr() == want.address.addr())
        {
            None => ctx.push(
                Check::Address,
                at,
                address_text(want),
                "no such address",
                Some(add),
            ),
            Some(have) => {
                let same = match want.peer {
                    // With a peer, the kernel keeps the peer's prefix only. netplan has
                    // no peer form: the plain single-host address plus the on-link route
                    // to the other end that the kernel adds for a peer is the same thing.
                    Some(peer) => {
                        have.peer == Some(peer)
                            || (have.peer.is_none()
                                && have.address.prefix_len() == have.address.max_prefix_len()
                                && on_link_route(&ctx.host.routes, peer))
                    }
                    None => {
                        have.peer.is_none()
                            && have.address.prefix_len() == want.address.prefix_len()
                    }
                };
                if !same {
                    let actual = match have.peer {
                        Some(peer) => format!("{} peer {peer}", have.address.addr()),
                        None => have.address.to_string(),
                    };
                    ctx.push(
                        Check::Address,
                        at,
                        address_text(want),
                        actual,
                        Some(format!("ip address del {} dev {name}; {add}", have.address)),
                    );
                }
            }
        }
    }
    for have in &host {
        if have.link_scope
            || expected
                .iter()
                .any(|w| w.address.addr() == have.address.addr())
        {
            continue;
        }
        let at = ctx.at(&[this, "addresses"]);
        ctx.push(
            Check::Address,
            at,
            "no other address",
            have.address.to_string(),
            Some(format!("ip address del {} dev {name}", have.address)),
        );
    }
}

/// A route in the main table to `peer` through the tunnel without a gateway: what the
/// kernel installs for `ip address add A peer B` (`gather` asks for it only when an
/// address lacks its peer).
fn on_link_route(routes: &[HostRoute], peer: IpNet) -> bool {
    routes
        .iter()
        .any(|r| r.table == Route::MAIN_TABLE && r.destination == peer && r.gateway.is_none())
}

/// The bridge a layer 2 end joins.
fn bridge(ctx: &mut Ctx<'_>, link: &Link) {
    let expected = ctx.peer.local.bridge.clone();
    if expected == link.master {
        return;
    }
    let name = &ctx.peer.name;
    let fix = match &expected {
        Some(bridge) => format!("ip link set dev {name} master {bridge}"),
        None => format!("ip link set dev {name} nomaster"),
    };
    let this = ctx.this();
    ctx.push(
        Check::Bridge,
        ctx.at(&[this, "bridge"]),
        expected.map_or_else(|| "no bridge".to_owned(), |b| format!("a port of {b}")),
        link.master
            .clone()
            .map_or_else(|| "no bridge".to_owned(), |b| format!("a port of {b}")),
        Some(fix),
    );
}
