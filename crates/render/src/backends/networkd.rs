//! systemd-networkd: a `.netdev` and a `.network` per peer, under `systemd/network/`.

use peergen_core::{Backend, Peer};

use super::{Files, PUBLIC};
use crate::context::common::header;
use crate::context::networkd::{NetdevContext, NetworkContext};
use crate::format::Format;
use crate::template_id::{Template, TemplateId};
use crate::{RenderError, RenderOptions};

/// The `.netdev`.
pub(crate) const NETDEV: TemplateId = TemplateId {
    name: "networkd/tunnel.netdev.j2",
    format: Format::Ini,
};
/// The `.network`.
pub(crate) const NETWORK: TemplateId = TemplateId {
    name: "networkd/tunnel.network.j2",
    format: Format::Ini,
};

/// The templates, embedded.
pub(crate) const TEMPLATES: &[Template] = &[
    Template {
        id: NETDEV,
        text: include_str!("../../../../templates/networkd/tunnel.netdev.j2"),
    },
    Template {
        id: NETWORK,
        text: include_str!("../../../../templates/networkd/tunnel.network.j2"),
    },
];

/// `systemd/network/PREFIXNAME.netdev` and `.network`.
pub(crate) fn files(
    peer: &Peer,
    options: &RenderOptions,
    out: &mut Files<'_>,
) -> Result<(), RenderError> {
    let name = &peer.name;
    let prefix = &options.file_prefix;
    // One header for both files: it is formatted from the peer, and the same.
    let header = header(peer, Backend::Networkd);
    let netdev = NetdevContext::new(peer, &header);
    // A private key inline: readable by systemd-networkd's group, not by everyone.
    let mode = match &netdev.wireguard {
        Some(wg) if wg.holds_secret() => 0o640,
        _ => PUBLIC,
    };
    out.add(
        ["systemd/network/", prefix, name, ".netdev"].concat(),
        mode,
        NETDEV,
        &netdev,
    )?;
    out.add(
        ["systemd/network/", prefix, name, ".network"].concat(),
        PUBLIC,
        NETWORK,
        &NetworkContext::new(peer, &header),
    )
}

#[cfg(test)]
pub(crate) fn reference() -> Vec<(TemplateId, schemars::Schema)> {
    vec![
        (NETDEV, schemars::schema_for!(NetdevContext<'static>)),
        (NETWORK, schemars::schema_for!(NetworkContext<'static>)),
    ]
}
