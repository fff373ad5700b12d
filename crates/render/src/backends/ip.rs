//! `ip` scripts: `NAME.up.sh` and `NAME.down.sh` of `ip` and `wg` commands per peer.

use peergen_core::Peer;

use super::Files;
use crate::context::ip::IpContext;
use crate::format::Format;
use crate::template_id::{Template, TemplateId};
use crate::{RenderError, RenderOptions};

/// The bring-up script.
pub(crate) const UP: TemplateId = TemplateId {
    name: "ip/up.sh.j2",
    format: Format::Sh,
};
/// The tear-down script.
pub(crate) const DOWN: TemplateId = TemplateId {
    name: "ip/down.sh.j2",
    format: Format::Sh,
};

/// The templates, embedded.
pub(crate) const TEMPLATES: &[Template] = &[
    Template {
        id: UP,
        text: include_str!("../../../../templates/ip/up.sh.j2"),
    },
    Template {
        id: DOWN,
        text: include_str!("../../../../templates/ip/down.sh.j2"),
    },
];

/// `NAME.up.sh` and `NAME.down.sh`, executable.
pub(crate) fn files(
    peer: &Peer,
    _options: &RenderOptions,
    out: &mut Files<'_>,
) -> Result<(), RenderError> {
    let name = &peer.name;
    let ctx = IpContext::new(peer);
    // A private key inline: only the owner may read the script.
    let mode = match &ctx.wireguard {
        Some(wg) if wg.holds_secret() => 0o700,
        _ => 0o755,
    };
    out.add([name, ".up.sh"].concat(), mode, UP, &ctx)?;
    out.add([name, ".down.sh"].concat(), 0o755, DOWN, &ctx)
}

#[cfg(test)]
pub(crate) fn reference() -> Vec<(TemplateId, schemars::Schema)> {
    vec![
        (UP, schemars::schema_for!(IpContext)),
        (DOWN, schemars::schema_for!(IpContext)),
    ]
}
