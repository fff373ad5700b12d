//! peergen's backends: turn a validated [`Peer`] into install-ready files.
//!
//! [`Renderer::render`] picks the side, builds the backend's context structs
//! ([`context`]), and renders the embedded (or overridden) templates ([`templates`]) with
//! per-format escaping ([`escape`]). The result is a list of [`RenderedFile`]s: relative
//! install path, mode and contents. Writing them is the caller's business.

pub mod context;
pub mod error;
pub mod escape;
pub mod file;
pub mod templates;

use camino::Utf8PathBuf;
use minijinja::Environment;
use peergen_core::{Backend, Peer, Side};
use serde::Serialize;

pub use error::RenderError;
pub use file::RenderedFile;
pub use templates::TemplateSource;

use context::ip::IpContext;
use context::netplan::NetplanContext;
use context::networkd::{NetdevContext, NetworkContext};
use context::wg_quick::WgQuickContext;

/// Settings that shape file names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// Prefix of networkd and netplan file names, which sets their order (`10-`).
    pub file_prefix: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            file_prefix: peergen_core::limits::DEFAULT_FILE_PREFIX.to_owned(),
        }
    }
}

/// A template environment ready to render any number of peers.
pub struct Renderer {
    env: Environment<'static>,
    options: RenderOptions,
}

const PUBLIC: u32 = 0o644;
const SECRET: u32 = 0o600;

impl Renderer {
    /// Loads the templates (embedded, with optional overrides).
    pub fn new(source: &TemplateSource, options: RenderOptions) -> std::io::Result<Self> {
        Ok(Self {
            env: templates::environment(source)?,
            options,
        })
    }

    /// Renders `peer` seen from `side` for `backend`.
    pub fn render(
        &self,
        peer: &Peer,
        backend: Backend,
        side: Side,
    ) -> Result<Vec<RenderedFile>, RenderError> {
        let peer = peer.for_side(side);
        let name = &peer.name;
        let prefix = &self.options.file_prefix;
        match backend {
            Backend::WgQuick => {
                let ctx = WgQuickContext::new(&peer)?;
                // wg-quick warns about a config file others can read.
                Ok(vec![self.file(
                    &peer,
                    format!("wireguard/{name}.conf"),
                    SECRET,
                    templates::WG_QUICK_CONF,
                    &ctx,
                )?])
            }
            Backend::Networkd => {
                let netdev = NetdevContext::new(&peer);
                let mode = match &netdev.wireguard {
                    Some(wg) if wg.holds_secret() => 0o640,
                    _ => PUBLIC,
                };
                Ok(vec![
                    self.file(
                        &peer,
                        format!("systemd/network/{prefix}{name}.netdev"),
                        mode,
                        templates::NETWORKD_NETDEV,
                        &netdev,
                    )?,
                    self.file(
                        &peer,
                        format!("systemd/network/{prefix}{name}.network"),
                        PUBLIC,
                        templates::NETWORKD_NETWORK,
                        &NetworkContext::new(&peer),
                    )?,
                ])
            }
            Backend::Netplan => {
                let ctx = NetplanContext::new(&peer)?;
                // netplan 0.106 warns about YAML that others can read.
                Ok(vec![self.file(
                    &peer,
                    format!("netplan/{prefix}{name}.yaml"),
                    SECRET,
                    templates::NETPLAN_YAML,
                    &ctx,
                )?])
            }
            Backend::Ip => {
                let ctx = IpContext::new(&peer);
                let mode = match &ctx.wireguard {
                    Some(wg) if wg.holds_secret() => 0o700,
                    _ => 0o755,
                };
                Ok(vec![
                    self.file(&peer, format!("{name}.up.sh"), mode, templates::IP_UP, &ctx)?,
                    self.file(
                        &peer,
                        format!("{name}.down.sh"),
                        0o755,
                        templates::IP_DOWN,
                        &ctx,
                    )?,
                ])
            }
        }
    }

    fn file(
        &self,
        peer: &Peer,
        path: String,
        mode: u32,
        template: &str,
        ctx: &impl Serialize,
    ) -> Result<RenderedFile, RenderError> {
        let error = |source| RenderError::Template {
            peer: peer.name.clone(),
            template: template.to_owned(),
            source,
        };
        let mut contents = self
            .env
            .get_template(template)
            .and_then(|t| t.render(ctx))
            .map_err(error)?;
        // Thousands of files are held until all have rendered: keep only what they use.
        contents.shrink_to_fit();
        Ok(RenderedFile {
            path: Utf8PathBuf::from(path),
            mode,
            contents,
        })
    }
}
