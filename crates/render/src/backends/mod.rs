//! The backends: each module declares the files its backend writes for one peer (install
//! path, mode, template, context) and the templates it embeds. Adding a backend is a
//! [`Backend`] variant in the core, a module here with its arms below, a context struct
//! and a template folder.

mod bird;
mod frr;
mod ip;
mod netplan;
mod networkd;
mod wg_quick;

use camino::Utf8PathBuf;
use minijinja::Environment;
use peergen_core::{Backend, Peer};
use serde::Serialize;

use crate::template_id::{Template, TemplateId};
use crate::{RenderError, RenderOptions, RenderedFile};

/// Readable by everyone.
const PUBLIC: u32 = 0o644;
/// Readable by the owner only: the file holds a secret, or its tool insists.
const SECRET: u32 = 0o600;

/// The templates `backend` renders with.
pub(crate) fn templates(backend: Backend) -> &'static [Template] {
    match backend {
        Backend::WgQuick => wg_quick::TEMPLATES,
        Backend::Networkd => networkd::TEMPLATES,
        Backend::Netplan => netplan::TEMPLATES,
        Backend::Ip => ip::TEMPLATES,
        Backend::Bird => bird::TEMPLATES,
        Backend::Frr => frr::TEMPLATES,
    }
}

/// Renders the files of `backend` for `peer` (already seen from the side to render).
/// With `contents` false, only declares them: paths and modes, and every refusal of the
/// backend, with empty contents and no template run.
pub(crate) fn render(
    backend: Backend,
    env: &Environment<'_>,
    peer: &Peer,
    options: &RenderOptions,
    contents: bool,
) -> Result<Vec<RenderedFile>, RenderError> {
    let mut files = Files {
        env,
        peer,
        contents,
        files: Vec::with_capacity(2),
    };
    match backend {
        Backend::WgQuick => wg_quick::files(peer, options, &mut files)?,
        Backend::Networkd => networkd::files(peer, options, &mut files)?,
        Backend::Netplan => netplan::files(peer, options, &mut files)?,
        Backend::Ip => ip::files(peer, options, &mut files)?,
        Backend::Bird => bird::files(peer, options, &mut files)?,
        Backend::Frr => frr::files(peer, options, &mut files)?,
    }
    Ok(files.files)
}

/// The context struct of each template, for the generated reference in docs/templates.md.
#[cfg(test)]
pub(crate) fn reference(backend: Backend) -> Vec<(TemplateId, schemars::Schema)> {
    match backend {
        Backend::WgQuick => wg_quick::reference(),
        Backend::Networkd => networkd::reference(),
        Backend::Netplan => netplan::reference(),
        Backend::Ip => ip::reference(),
        Backend::Bird => bird::reference(),
        Backend::Frr => frr::reference(),
    }
}

/// The files of one peer, as a backend declares them.
pub(crate) struct Files<'a> {
    env: &'a Environment<'a>,
    peer: &'a Peer,
    /// Whether to run the templates ([`render`]).
    contents: bool,
    files: Vec<RenderedFile>,
}

impl Files<'_> {
    /// Renders `template` with `context` into a file at `path` with `mode`.
    fn add(
        &mut self,
        path: String,
        mode: u32,
        template: TemplateId,
        context: &impl Serialize,
    ) -> Result<(), RenderError> {
        if !self.contents {
            self.files.push(RenderedFile {
                path: Utf8PathBuf::from(path),
                mode,
                contents: String::new(),
            });
            return Ok(());
        }
        let error = |source| RenderError::Template {
            peer: self.peer.name.clone(),
            template: template.name.to_owned(),
            source,
        };
        let mut contents = self
            .env
            .get_template(template.name)
            .and_then(|t| t.render(context))
            .map_err(error)?;
        // Printing holds every file until all have rendered: keep only what they use.
        contents.shrink_to_fit();
        self.files.push(RenderedFile {
            path: Utf8PathBuf::from(path),
            mode,
            contents,
        });
        Ok(())
    }
}
