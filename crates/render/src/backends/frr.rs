//! FRR: one file per peer with a `[bgp]` table, under `frr/peers/`, included from the
//! daemon's main configuration (docs/backends/frr.md).

use peergen_core::Peer;

use super::{Files, PUBLIC};
use crate::context::frr::FrrContext;
use crate::format::Format;
use crate::template_id::{Template, TemplateId};
use crate::{RenderError, RenderOptions};

/// The per-peer file.
pub(crate) const CONF: TemplateId = TemplateId {
    name: "frr/peer.conf.j2",
    format: Format::Frr,
};

/// The templates, embedded.
pub(crate) const TEMPLATES: &[Template] = &[Template {
    id: CONF,
    text: include_str!("../../../../templates/frr/peer.conf.j2"),
}];

/// `frr/peers/NAME.conf`; a peer without `[bgp]` is refused (the command line skips such
/// peers when it renders several).
pub(crate) fn files(
    peer: &Peer,
    _options: &RenderOptions,
    out: &mut Files<'_>,
) -> Result<(), RenderError> {
    let ctx = FrrContext::new(peer)?;
    // The password: readable by the daemon's group (root:frr), never by everyone.
    let mode = if ctx.holds_secret() { 0o640 } else { PUBLIC };
    out.add(
        ["frr/peers/", &peer.name, ".conf"].concat(),
        mode,
        CONF,
        &ctx,
    )
}

#[cfg(test)]
pub(crate) fn reference() -> Vec<(TemplateId, schemars::Schema)> {
    vec![(CONF, schemars::schema_for!(FrrContext))]
}
