//! BIRD 2: one file per peer with a `[bgp]` table, under `bird/peers/`, included from the
//! daemon's main configuration (docs/backends/bird.md).

use peergen_core::Peer;

use super::{Files, PUBLIC};
use crate::context::bird::BirdContext;
use crate::format::Format;
use crate::template_id::{Template, TemplateId};
use crate::{RenderError, RenderOptions};

/// The per-peer file.
pub(crate) const CONF: TemplateId = TemplateId {
    name: "bird/peer.conf.j2",
    format: Format::Bird,
};

/// The templates, embedded.
pub(crate) const TEMPLATES: &[Template] = &[Template {
    id: CONF,
    text: include_str!("../../../../templates/bird/peer.conf.j2"),
}];

/// `bird/peers/NAME.conf`; a peer without `[bgp]` is refused (the command line skips such
/// peers when it renders several).
pub(crate) fn files(
    peer: &Peer,
    _options: &RenderOptions,
    out: &mut Files<'_>,
) -> Result<(), RenderError> {
    let ctx = BirdContext::new(peer)?;
    // The password: readable by the daemon's group (root:bird), never by everyone.
    let mode = if ctx.holds_secret() { 0o640 } else { PUBLIC };
    out.add(
        ["bird/peers/", &peer.name, ".conf"].concat(),
        mode,
        CONF,
        &ctx,
    )
}

#[cfg(test)]
pub(crate) fn reference() -> Vec<(TemplateId, schemars::Schema)> {
    vec![(CONF, schemars::schema_for!(BirdContext))]
}
