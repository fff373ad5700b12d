//! wg-quick: one `.conf` per WireGuard peer, under `wireguard/`.

use peergen_core::Peer;

use super::{Files, SECRET};
use crate::context::wg_quick::WgQuickContext;
use crate::format::Format;
use crate::template_id::{Template, TemplateId};
use crate::{RenderError, RenderOptions};

/// The wg-quick configuration.
pub(crate) const CONF: TemplateId = TemplateId {
    name: "wg-quick/interface.conf.j2",
    format: Format::WgQuick,
};

/// The templates, embedded.
pub(crate) const TEMPLATES: &[Template] = &[Template {
    id: CONF,
    text: include_str!("../../../../templates/wg-quick/interface.conf.j2"),
}];

/// `wireguard/NAME.conf`.
pub(crate) fn files(
    peer: &Peer,
    _options: &RenderOptions,
    out: &mut Files<'_>,
) -> Result<(), RenderError> {
    let ctx = WgQuickContext::new(peer)?;
    // wg-quick warns about a config file others can read.
    out.add(
        ["wireguard/", &peer.name, ".conf"].concat(),
        SECRET,
        CONF,
        &ctx,
    )
}

#[cfg(test)]
pub(crate) fn reference() -> Vec<(TemplateId, schemars::Schema)> {
    vec![(CONF, schemars::schema_for!(WgQuickContext))]
}
