//! Netplan: one YAML file per peer, under `netplan/`.

use peergen_core::Peer;

use super::{Files, SECRET};
use crate::context::netplan::NetplanContext;
use crate::format::Format;
use crate::template_id::{Template, TemplateId};
use crate::{RenderError, RenderOptions};

/// The netplan YAML.
pub(crate) const YAML: TemplateId = TemplateId {
    name: "netplan/tunnel.yaml.j2",
    format: Format::Yaml,
};

/// The templates, embedded.
pub(crate) const TEMPLATES: &[Template] = &[Template {
    id: YAML,
    text: include_str!("../../../../templates/netplan/tunnel.yaml.j2"),
}];

/// `netplan/PREFIXNAME.yaml`.
pub(crate) fn files(
    peer: &Peer,
    options: &RenderOptions,
    out: &mut Files<'_>,
) -> Result<(), RenderError> {
    let ctx = NetplanContext::new(peer)?;
    // netplan 0.106 warns about YAML that others can read.
    out.add(
        ["netplan/", &options.file_prefix, &peer.name, ".yaml"].concat(),
        SECRET,
        YAML,
        &ctx,
    )
}

#[cfg(test)]
pub(crate) fn reference() -> Vec<(TemplateId, schemars::Schema)> {
    vec![(YAML, schemars::schema_for!(NetplanContext))]
}
