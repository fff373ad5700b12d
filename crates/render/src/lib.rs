//! peergen's backends: turn a validated [`Peer`] into install-ready files.
//!
//! [`Renderer::render`] picks the side and hands the peer to the backend's module, which
//! declares its files: path, mode, a typed template id ([`TemplateId`], carrying the
//! file's [`Format`]) and the context struct ([`context`]) to render it with. Templates are
//! embedded (or overridden, [`templates`]) and every value is escaped for the id's format
//! ([`escape`]). The result is a list of [`RenderedFile`]s: relative
//! install path, mode and contents. Writing them is the caller's business.

mod backends;
pub mod context;
pub mod error;
pub mod escape;
pub mod file;
pub mod format;
pub mod template_id;
pub mod templates;

use minijinja::Environment;
use peergen_core::{Backend, Peer, Side};

pub use error::RenderError;
pub use file::RenderedFile;
pub use format::Format;
pub use template_id::TemplateId;
pub use templates::TemplateSource;

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

impl Renderer {
    /// Loads the templates (embedded, with optional overrides).
    pub fn new(source: &TemplateSource, options: RenderOptions) -> std::io::Result<Self> {
        Ok(Self {
            env: templates::environment(source)?,
            options,
        })
    }

    /// Renders `peer` seen from `side` for `backend`: the files its module declares
    /// ([`backends`]).
    pub fn render(
        &self,
        peer: &Peer,
        backend: Backend,
        side: Side,
    ) -> Result<Vec<RenderedFile>, RenderError> {
        backends::render(backend, &self.env, &peer.for_side(side), &self.options)
    }
}
