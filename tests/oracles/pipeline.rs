//! A whole peer file through parse → validate → render for every backend and both sides,
//! with every oracle on every rendered file. Invalid input is fine, as long as it gives
//! error diagnostics that render; a valid peer may be refused by a backend that cannot
//! express it, but the built-in templates must never fail on it. A file read without
//! toml's document must read exactly as through it.

use std::sync::OnceLock;

use peergen_core::raw::RawPeer;
use peergen_core::validate::agrees_with_toml;
use peergen_core::Backend;
use peergen_core::{validate, Side, SourceFile};
use peergen_render::{RenderError, RenderOptions, Renderer, TemplateSource};

use super::{check_files, Violation};

fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(|| {
        Renderer::new(&TemplateSource::default(), RenderOptions::default())
            .unwrap_or_else(|err| panic!("built-in templates: {err}"))
    })
}

/// Checks everything peergen would write for the peer file `text` read from `path`.
pub fn check_peer_file(path: &str, text: &str) -> Vec<Violation> {
    let source = SourceFile::new(path, text);
    let mut out = Vec::new();
    if let Err(differ) = agrees_with_toml::<RawPeer>(text) {
        out.push(Violation::new(
            "pipeline",
            path,
            0,
            format!("read differently without toml's document:\n{differ}"),
        ));
    }
    let validated = match validate(&source) {
        Ok(validated) => validated,
        Err(invalid) => {
            if !invalid.diagnostics.iter().any(|d| d.is_error()) {
                out.push(Violation::new(
                    "pipeline",
                    path,
                    0,
                    "refused without an error",
                ));
            }
            for d in &invalid.diagnostics {
                let shown = d.render(&source);
                if !shown.contains(path) {
                    out.push(Violation::new(
                        "pipeline",
                        path,
                        0,
                        format!("a diagnostic does not name the file: {shown}"),
                    ));
                }
            }
            return out;
        }
    };
    for w in &validated.warnings {
        let _shown = w.render(&source);
    }
    let peer = &validated.peer;
    for backend in Backend::ALL {
        for side in [Side::Local, Side::Remote] {
            match renderer().render(peer, backend, side) {
                Ok(files) => {
                    for mut v in check_files(backend, &peer.name, &files) {
                        v.detail = format!("{backend} {side}: {}", v.detail);
                        out.push(v);
                    }
                }
                Err(RenderError::Unsupported { .. }) => {}
                Err(err) => out.push(Violation::new(
                    "pipeline",
                    path,
                    0,
                    format!("{backend} {side}: a valid peer fails to render: {err}"),
                )),
            }
        }
    }
    out
}
