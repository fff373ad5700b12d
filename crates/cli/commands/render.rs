//! `peergen render`: validate everything, render everything, then print, write or check.

use std::collections::BTreeMap;

use camino::Utf8PathBuf;
use peergen_render::{Backend, RenderOptions, RenderedFile, Renderer, TemplateSource};

use crate::args::RenderArgs;
use crate::exit::Exit;
use crate::load::load_all;
use crate::output;

/// Runs the command.
pub fn run(args: &RenderArgs) -> Exit {
    let loaded = match load_all(&args.peers) {
        Ok(loaded) => loaded,
        Err(exit) => return exit,
    };
    let source = TemplateSource {
        override_dir: args.templates.clone(),
    };
    let renderer = match Renderer::new(&source, RenderOptions::default()) {
        Ok(r) => r,
        Err(err) => {
            eprintln!("error: --templates: {err}");
            return Exit::NoInput;
        }
    };
    let mut backends: Vec<Backend> = args.backend.iter().map(|&b| b.into()).collect();
    backends.dedup();
    // Render everything in memory first: one failure means nothing is written.
    let mut files: BTreeMap<Utf8PathBuf, (RenderedFile, Utf8PathBuf)> = BTreeMap::new();
    let mut failed = false;
    for l in &loaded {
        for &backend in &backends {
            match renderer.render(&l.peer, backend, args.side.into()) {
                Ok(rendered) => {
                    for file in rendered {
                        if let Some((_, other)) = files.get(&file.path) {
                            eprintln!(
                                "error: {} and {} both render {}; give the peers different names",
                                other, l.peer.source, file.path
                            );
                            failed = true;
                            continue;
                        }
                        files.insert(file.path.clone(), (file, l.peer.source.clone()));
                    }
                }
                Err(err) => {
                    eprintln!("error: {}: {err}", l.peer.source);
                    failed = true;
                }
            }
        }
    }
    if failed {
        return Exit::DataError;
    }
    let files: Vec<RenderedFile> = files.into_values().map(|(f, _)| f).collect();
    match (&args.out, args.check) {
        (None, _) => output::print(&files),
        (Some(dir), false) => output::write(dir, &files),
        (Some(dir), true) => output::check(dir, &files),
    }
}
