//! `peergen render`: validate everything, render everything, then print, write or check.

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};
use peergen_core::site::Site;
use peergen_core::{Side, TunnelKind};
use peergen_render::{Backend, RenderOptions, RenderedFile, Renderer, TemplateSource};

use crate::args::RenderArgs;
use crate::exit::Exit;
use crate::manifest::{self, Produced};
use crate::{load, output, present};

/// The backends to render: the flag, else the site file.
fn backends(args: &RenderArgs, site: &Site) -> Result<Vec<Backend>, Exit> {
    let mut backends: Vec<Backend> = if args.backend.is_empty() {
        site.render
            .backends
            .iter()
            .filter_map(|name| name.parse().ok())
            .collect()
    } else {
        args.backend.iter().map(|&b| b.into()).collect()
    };
    let mut seen = Vec::new();
    backends.retain(|b| {
        let new = !seen.contains(b);
        seen.push(*b);
        new
    });
    if backends.is_empty() {
        present::error("no backend given: use --backend (wg-quick, networkd, netplan, ip) or set backends in the [render] table of peergen.toml");
        return Err(Exit::Usage);
    }
    Ok(backends)
}

/// The output folder: the flag (`-` for stdout), else the site file's `out`, relative
/// to the site file.
fn out_dir(args: &RenderArgs, site: &Site) -> Option<Utf8PathBuf> {
    match (&args.out, &site.render.out, &site.path) {
        (Some(out), _, _) if out.as_str() == "-" => None,
        (Some(out), _, _) => Some(out.clone()),
        (None, Some(out), Some(site_path)) if out.is_relative() => {
            Some(site_path.parent().unwrap_or(Utf8Path::new("")).join(out))
        }
        (None, Some(out), _) => Some(out.clone()),
        (None, None, _) => None,
    }
}

/// Runs the command.
pub fn run(args: &RenderArgs) -> Exit {
    match try_run(args) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn try_run(args: &RenderArgs) -> Result<Exit, Exit> {
    let site = load::site(args.config.as_deref(), &args.peers)?;
    let backends = backends(args, &site)?;
    let side: Side = args
        .side
        .map(Into::into)
        .or(site.render.side)
        .unwrap_or_default();
    let out = out_dir(args, &site);
    if args.check && out.is_none() {
        present::error(
            "--check compares with a folder: give --out DIR (or set out in peergen.toml)",
        );
        return Err(Exit::Usage);
    }
    let loaded = load::peers(&args.peers, &site)?;
    let mut options = RenderOptions::default();
    if let Some(prefix) = &site.render.file_prefix {
        options.file_prefix.clone_from(prefix);
    }
    let source = TemplateSource {
        override_dir: args.templates.clone(),
    };
    let renderer = Renderer::new(&source, options).map_err(|err| {
        present::error(&format!("--templates: {err}"));
        Exit::NoInput
    })?;
    // With several backends, wg-quick simply does not apply to non-WireGuard peers.
    let skip_wg_quick_for_others = backends.len() > 1;
    let mut skipped = 0usize;
    // Render everything in memory first: one failure means nothing is written.
    let mut files: BTreeMap<Utf8PathBuf, (RenderedFile, Backend, &Utf8Path)> = BTreeMap::new();
    let mut failed = false;
    for l in &loaded {
        for &backend in &backends {
            if backend == Backend::WgQuick
                && skip_wg_quick_for_others
                && l.peer.kind() != TunnelKind::Wireguard
            {
                skipped += 1;
                continue;
            }
            match renderer.render(&l.peer, backend, side) {
                Ok(rendered) => {
                    for file in rendered {
                        if let Some((_, _, other)) = files.get(&file.path) {
                            present::error(&format!(
                                "{other} and {} both render {}; give the peers different names",
                                l.source.path(),
                                file.path
                            ));
                            failed = true;
                            continue;
                        }
                        files.insert(file.path.clone(), (file, backend, l.peer.source.as_path()));
                    }
                }
                Err(err) => {
                    present::error(&format!("{}: {err}", l.source.path()));
                    failed = true;
                }
            }
        }
    }
    if failed {
        return Err(Exit::DataError);
    }
    if skipped > 0 {
        eprintln!("note: wg-quick skipped for {skipped} peer(s) that are not WireGuard");
    }
    let produced: Vec<Produced<'_>> = files
        .values()
        .map(|(file, backend, source)| Produced {
            file,
            backend: *backend,
            source,
        })
        .collect();
    let Some(dir) = &out else {
        let files: Vec<RenderedFile> = produced.iter().map(|p| p.file.clone()).collect();
        return Ok(output::print(&files));
    };
    // Peer files are named relative to the site file's folder (or the working folder).
    let base = site
        .path
        .as_deref()
        .and_then(Utf8Path::parent)
        .map_or_else(|| Utf8PathBuf::from("."), Utf8Path::to_owned);
    let base = if base.as_str().is_empty() {
        Utf8PathBuf::from(".")
    } else {
        base
    };
    let plan = manifest::plan(dir, &produced, &backends, |source| {
        base.join(source).is_file()
    });
    Ok(if args.check {
        output::check(dir, &produced, &plan)
    } else {
        output::write(dir, &produced, &plan, args.prune)
    })
}
