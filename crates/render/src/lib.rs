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

use std::borrow::Cow;

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
    /// Whether templates come from the user (`--templates`): those can fail to render.
    overridden: bool,
    /// The texts of the templates read from `--templates`, by name.
    overrides: std::collections::BTreeMap<String, String>,
}

impl Renderer {
    /// Loads the templates (embedded, with optional overrides).
    pub fn new(source: &TemplateSource, options: RenderOptions) -> std::io::Result<Self> {
        let overrides = templates::overrides(source)?;
        Ok(Self {
            env: templates::environment(&overrides),
            options,
            overridden: source.override_dir.is_some(),
            overrides,
        })
    }

    /// The texts of the templates read from the override directory, by template name
    /// (what this renderer renders with, besides the embedded templates).
    pub fn overrides(&self) -> &std::collections::BTreeMap<String, String> {
        &self.overrides
    }

    /// Renders `peer` seen from `side` for `backend`: the files its module declares
    /// ([`backends`]).
    pub fn render(
        &self,
        peer: &Peer,
        backend: Backend,
        side: Side,
    ) -> Result<Vec<RenderedFile>, RenderError> {
        backends::render(
            backend,
            &self.env,
            &seen_from(peer, side),
            &self.options,
            true,
        )
    }

    /// The files [`Renderer::render`] gives for the same arguments, with empty contents:
    /// their paths and modes, and every error rendering would report. Writers use it to
    /// know every file (and that rendering will succeed) before they write the first, so
    /// that they can then write each file as soon as it is rendered.
    ///
    /// The embedded templates always render, so only the backends' refusals are checked
    /// and no template runs; user templates (`--templates`) are rendered and the
    /// contents dropped, since those can fail.
    pub fn plan(
        &self,
        peer: &Peer,
        backend: Backend,
        side: Side,
    ) -> Result<Vec<RenderedFile>, RenderError> {
        let peer = seen_from(peer, side);
        let mut files =
            backends::render(backend, &self.env, &peer, &self.options, self.overridden)?;
        for file in &mut files {
            file.contents = String::new();
        }
        Ok(files)
    }
}

/// `peer` seen from `side`; copied only when that is the other side (a copy per file
/// rendered was a measurable share of rendering many peers).
fn seen_from(peer: &Peer, side: Side) -> Cow<'_, Peer> {
    if peer.side == side {
        Cow::Borrowed(peer)
    } else {
        Cow::Owned(peer.for_side(side))
    }
}
