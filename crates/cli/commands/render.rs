//! `peergen render`: validate everything, render everything, then print, write or check.

use std::collections::HashMap;

use camino::{Utf8Path, Utf8PathBuf};
use peergen_core::site::Site;
use peergen_core::{Backend, Side};
use peergen_render::{RenderOptions, Renderer, TemplateSource};

use crate::args::RenderArgs;
use crate::exit::Exit;
use crate::folder::{Access, Folder};
use crate::manifest::{self, Produced};
use crate::{inputs, load, output, present};

/// The backends to render: the flag, else the site file.
fn backends(args: &RenderArgs, site: &Site) -> Result<Vec<Backend>, Exit> {
    let mut backends: Vec<Backend> = if args.backend.is_empty() {
        site.render.backends.clone()
    } else {
        args.backend.clone()
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
fn out_dir(args: &RenderArgs, site: &Site) -> Result<Option<Utf8PathBuf>, Exit> {
    let out = match (&args.out, &site.render.out, &site.path) {
        (Some(out), _, _) if out.as_str() == "-" => None,
        (Some(out), _, _) => Some(out.clone()),
        (None, Some(out), Some(site_path)) if out.is_relative() => {
            Some(site_path.parent().unwrap_or(Utf8Path::new("")).join(out))
        }
        (None, Some(out), _) => Some(out.clone()),
        (None, None, _) => None,
    };
    if let Some(dir) = &out {
        inputs::plain_path(dir, "output folder")?;
    }
    Ok(out)
}

/// Refuses to mix the two ends' files in one folder: both ends use the same file names,
/// so the other side's files would be overwritten. `--replace-side` turns the folder
/// into this side's (the other side's files become orphans, removed with `--prune`).
fn check_side(
    args: &RenderArgs,
    dir: &Utf8Path,
    existing: &manifest::Existing,
    side: Side,
) -> Result<(), Exit> {
    let others = manifest::other_side(existing, side);
    let Some(first) = others.first() else {
        return Ok(());
    };
    if args.replace_side {
        return Ok(());
    }
    let (ours, theirs) = match side {
        Side::Local => ("local", "remote"),
        Side::Remote => ("remote", "local"),
    };
    let fix = if args.check {
        format!("compare with the folder that holds the {ours} side's files instead")
    } else {
        format!("render the {ours} side into another folder with --out, or pass --replace-side to make {dir} the {ours} side's folder (with --prune to remove the {theirs} side's files)")
    };
    present::error(&format!(
        "{dir} holds {} file(s) rendered for the {theirs} side (e.g. {}, per {dir}/{}); rendering the {ours} side there would overwrite or mix them, since both ends use the same file names: {fix}",
        others.len(),
        first.path,
        manifest::MANIFEST
    ));
    Err(Exit::Usage)
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
    let side: Side = args.side.or(site.render.side).unwrap_or_default();
    let out = out_dir(args, &site)?;
    for (flag, given) in [
        ("--check", args.check),
        ("--prune", args.prune),
        ("--replace-side", args.replace_side),
    ] {
        if given && out.is_none() {
            present::error(&format!(
                "{flag} works on an output folder: give --out DIR (or set out in peergen.toml)"
            ));
            return Err(Exit::Usage);
        }
    }
    if let Some(templates) = &args.templates {
        inputs::plain_path(templates, "template folder")?;
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
        if err.kind() == std::io::ErrorKind::InvalidData {
            Exit::DataError
        } else {
            Exit::NoInput
        }
    })?;
    // With several backends, one that does not apply to a peer's kind is skipped for it;
    // asked for alone, it renders and says why it cannot.
    let skip_inapplicable = backends.len() > 1;
    let mut skipped = 0usize;
    let mut jobs: Vec<(&load::Loaded, Backend)> = Vec::with_capacity(loaded.len() * backends.len());
    for l in &loaded {
        for &backend in &backends {
            if skip_inapplicable && !backend.applies_to(l.peer.kind()) {
                skipped += 1;
            } else {
                jobs.push((l, backend));
            }
        }
    }
    // Render everything in memory first: one failure means nothing is written.
    let results = crate::parallel::map(&jobs, |&(l, backend)| {
        renderer.render(&l.peer, backend, side)
    });
    let mut produced: Vec<Produced<'_>> = Vec::with_capacity(results.len() * 2);
    let mut owners: HashMap<&str, &Utf8Path> = HashMap::with_capacity(results.len() * 2);
    let mut failed = false;
    for (&(l, backend), result) in jobs.iter().zip(&results) {
        match result {
            Ok(rendered) => {
                for file in rendered {
                    if let Some(other) = owners.insert(file.path.as_str(), l.source.path()) {
                        present::error(&format!(
                            "{other} and {} both render {}; give the peers different names",
                            l.source.path(),
                            file.path
                        ));
                        failed = true;
                        continue;
                    }
                    produced.push(Produced {
                        file,
                        backend,
                        source: &l.peer.source,
                    });
                }
            }
            Err(err) => {
                present::error(&format!("{}: {err}", l.source.path()));
                failed = true;
            }
        }
    }
    if failed {
        return Err(Exit::DataError);
    }
    if skipped > 0 {
        eprintln!("note: wg-quick skipped for {skipped} peer(s) that are not WireGuard");
    }
    // Output order is the order of install paths, whatever order the peers came in.
    produced.sort_unstable_by(|a, b| a.file.path.as_str().cmp(b.file.path.as_str()));
    let Some(dir) = &out else {
        return Ok(output::print(produced.iter().map(|p| p.file)));
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
    let access = if args.check {
        Access::Read
    } else {
        Access::Write
    };
    let mut folder = Folder::open(dir, access)?;
    let existing = manifest::read(&mut folder)?;
    check_side(args, dir, &existing, side)?;
    let plan = manifest::plan(
        &mut folder,
        &existing,
        &produced,
        &backends,
        side,
        |source| base.join(source).is_file(),
    )?;
    Ok(if args.check {
        output::check(&mut folder, &existing, &produced, side, &plan)
    } else {
        output::write(&mut folder, &existing, &produced, side, &plan, args.prune)
    })
}
