//! Snapshots of every valid fixture rendered for every backend and both sides.
//!
//! A snapshot holds every file of one render (path, mode, contents), or the error when the
//! backend refuses the peer (wg-quick for other kinds, netplan for what 0.106 cannot
//! express), so a refusal is pinned as carefully as an output.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

use std::fmt::Write as _;
use std::path::Path;

use peergen_core::{validate, Backend, Side, SourceFile};
use peergen_render::{RenderOptions, Renderer, TemplateSource};

fn fixtures(dir: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<String> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    paths.sort();
    paths
}

fn render_all(renderer: &Renderer, path: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    let peer = validate(&SourceFile::new(path, text)).unwrap().peer;
    let stem = Path::new(path)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let mut out = Vec::new();
    for backend in Backend::ALL {
        for side in [Side::Local, Side::Remote] {
            let name = format!("render__{backend}__{side}__{stem}");
            let body = match renderer.render(&peer, backend, side) {
                Ok(files) => {
                    let mut body = String::new();
                    for f in files {
                        let _ = write!(
                            body,
                            "==> {} (mode {:04o}) <==\n{}",
                            f.path, f.mode, f.contents
                        );
                    }
                    body
                }
                Err(err) => format!("error: {err}\n"),
            };
            out.push((name, body));
        }
    }
    out
}

#[test]
fn every_valid_fixture_for_every_backend_and_side() {
    let renderer = Renderer::new(&TemplateSource::default(), RenderOptions::default()).unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    for path in fixtures("fixtures/valid") {
        settings.set_input_file(&path);
        for (name, body) in render_all(&renderer, &path) {
            settings.bind(|| insta::assert_snapshot!(name, body));
        }
    }
}

#[test]
fn rendering_is_deterministic() {
    let renderer = Renderer::new(&TemplateSource::default(), RenderOptions::default()).unwrap();
    for path in fixtures("fixtures/valid") {
        assert_eq!(render_all(&renderer, &path), render_all(&renderer, &path));
    }
}
