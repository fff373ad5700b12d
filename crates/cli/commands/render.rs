//! `peergen render`: resolve the plan, validate everything, render everything, then print,
//! write or check.
//!
//! Writing a folder first renders every job, keeping the contents of the first few MiB
//! ([`HELD_BYTES`]) and of the rest only the paths and modes ([`Renderer::plan`], which
//! still finds every reason a peer cannot be rendered), so that nothing is written when
//! anything fails. The jobs whose contents were not kept are rendered again when they
//! are written, each file written as soon as it is rendered: memory does not grow with
//! the number of files, and a run of usual size (or an up-to-date folder) renders once.
//!
//! Before any of that, a writing run reads its inputs and asks the folder's cache
//! ([`crate::uptodate`]) whether the folder already holds what a run with exactly these
//! inputs wrote; then it ends as an up-to-date run ends, with nothing validated or
//! rendered.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use camino::Utf8Path;
use peergen_core::bgp::daemon_stem;
use peergen_core::{Backend, Side};
use peergen_render::{RenderedFile, Renderer};

use crate::args::RenderArgs;
use crate::exit::Exit;
use crate::folder::{Access, Folder};
use crate::manifest::{self, Produced};
use crate::plan::{FolderMode, Output, RenderPlan};
use crate::{load, output, present};

/// Refuses to mix the two ends' files in one folder: both ends use the same file names,
/// so the other side's files would be overwritten. `--replace-side` turns the folder
/// into this side's (the other side's files become orphans, removed with `--prune`).
fn check_side(
    dir: &Utf8Path,
    mode: FolderMode,
    existing: &manifest::Existing,
    side: Side,
) -> Result<(), Exit> {
    let others = manifest::other_side(existing, side);
    let Some(first) = others.first() else {
        return Ok(());
    };
    if let FolderMode::Write {
        replace_side: true, ..
    } = mode
    {
        return Ok(());
    }
    let (ours, theirs) = match side {
        Side::Local => ("local", "remote"),
        Side::Remote => ("remote", "local"),
    };
    let fix = if mode == FolderMode::Check {
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

/// Refuses two peers whose interface names give the same BGP daemon names
/// ([`daemon_stem`]): their protocols, filters or route maps would clash in one daemon.
fn check_daemon_names(jobs: &[(&load::Loaded, Backend)]) -> Result<(), Exit> {
    let mut stems: HashMap<String, &load::Loaded> = HashMap::new();
    let mut failed = false;
    for &(l, backend) in jobs {
        if !backend.is_bgp() || l.peer.bgp.is_none() {
            continue;
        }
        let stem = daemon_stem(&l.peer.name);
        match stems.get(&stem) {
            Some(other) if other.peer.name != l.peer.name => {
                present::error(&format!(
                    "{} ({}) and {} ({}) both name their BGP protocols, filters and route maps {stem}_…, which would clash in one daemon: rename one of the interfaces",
                    other.source.path(),
                    other.peer.name,
                    l.source.path(),
                    l.peer.name
                ));
                failed = true;
            }
            _ => {
                stems.insert(stem, l);
            }
        }
    }
    if failed {
        Err(Exit::DataError)
    } else {
        Ok(())
    }
}

/// Reports each file that more than one peer renders: each peer after the first, with the
/// one before it, in the order of the jobs.
fn report_clashes(
    jobs: &[(&load::Loaded, Backend)],
    results: &[(bool, Result<Vec<RenderedFile>, peergen_render::RenderError>)],
) {
    let mut owners: HashMap<&str, &Utf8Path> = HashMap::new();
    for (&(l, _), (_, result)) in jobs.iter().zip(results) {
        for file in result.iter().flatten() {
            if let Some(other) = owners.insert(file.path.as_str(), l.source.path()) {
                present::error(&format!(
                    "{other} and {} both render {}; give the peers different names",
                    l.source.path(),
                    file.path
                ));
            }
        }
    }
}

/// Runs the command.
pub fn run(args: &RenderArgs) -> Exit {
    match try_run(args) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn try_run(args: &RenderArgs) -> Result<Exit, Exit> {
    let RenderPlan {
        plan,
        backends,
        side,
        output,
        templates,
        options,
    } = RenderPlan::resolve(args)?;
    let read = load::read_peers(&plan.peers, plan.take_probes(), &plan.site, &plan.repo)?;
    // A folder written by a run that read exactly these inputs, and untouched since,
    // already holds what this run would write: nothing is validated or rendered.
    let mut opened = None;
    if let Output::Folder {
        dir,
        mode: FolderMode::Write { .. },
    } = &output
    {
        // Only a folder with a cache can match: any other folder is opened (and locked,
        // or created) only once the inputs are known to be valid, as before.
        let cached = std::fs::symlink_metadata(dir.join(crate::uptodate::CACHE))
            .is_ok_and(|m| m.file_type().is_file());
        let digest = cached
            .then(|| peergen_render::templates::overrides(&templates).ok())
            .flatten()
            .and_then(|o| {
                let peers = read.texts()?.into_iter();
                inputs_digest(&plan, side, &backends, &templates, &o, peers)
            });
        if let Some(digest) = digest {
            let folder = Folder::open(dir, Access::Write)?;
            if let Some(found) = crate::uptodate::unchanged(&folder, &digest)? {
                // The inputs are those of the recorded run, so this run would say what it
                // said (warnings, notes); whatever reading them has said already is its
                // beginning.
                let so_far = present::said_text();
                if let Some(rest) = found.said.strip_prefix(so_far.as_str()) {
                    present::replay(rest);
                    return Ok(output::up_to_date(&folder, &found.files));
                }
            }
            opened = Some(folder);
        }
    }
    let loaded = load::validate_peers(read, &plan.site)?;
    let renderer = Renderer::new(&templates, options).map_err(|err| {
        present::error(&format!("--templates: {err}"));
        if err.kind() == std::io::ErrorKind::InvalidData {
            Exit::DataError
        } else {
            Exit::NoInput
        }
    })?;
    // With several backends, one that does not apply to a peer's kind is skipped for it;
    // asked for alone, it renders and says why it cannot. The BGP backends skip peers
    // without [bgp] whenever anything else is rendered: a folder of peers usually mixes
    // both. When nothing at all would be rendered, the refusals are rendered and reported.
    let skip_inapplicable = backends.len() > 1;
    let mut skipped = 0usize;
    let mut skipped_bgp: Vec<(&load::Loaded, Backend)> = Vec::new();
    let mut jobs: Vec<(&load::Loaded, Backend)> = Vec::with_capacity(loaded.len() * backends.len());
    for l in &loaded {
        for &backend in &backends {
            if skip_inapplicable && !backend.applies_to(l.peer.kind()) {
                skipped += 1;
            } else if backend.is_bgp() && l.peer.bgp.is_none() {
                skipped_bgp.push((l, backend));
            } else {
                jobs.push((l, backend));
            }
        }
    }
    if jobs.is_empty() {
        jobs.append(&mut skipped_bgp);
    }
    check_daemon_names(&jobs)?;
    // Every file is known, and every failure found, before anything is written or
    // printed: one failure means nothing is written. Printing and comparing hold the
    // contents; writing holds them up to HELD_BYTES, and renders the rest again later,
    // one job at a time.
    let writing = matches!(
        output,
        Output::Folder {
            mode: FolderMode::Write { .. },
            ..
        }
    );
    let held = AtomicUsize::new(0);
    let results = crate::parallel::map(&jobs, |&(l, backend)| {
        if writing && held.load(Ordering::Relaxed) >= HELD_BYTES {
            return (false, renderer.plan(&l.peer, backend, side));
        }
        let result = renderer.render(&l.peer, backend, side);
        if let Ok(files) = &result {
            let bytes = files.iter().map(|f| f.contents.len()).sum();
            held.fetch_add(bytes, Ordering::Relaxed);
        }
        (true, result)
    });
    let mut produced: Vec<Produced<'_>> = Vec::with_capacity(results.len() * 2);
    let mut failed = false;
    for (&(l, backend), (_, result)) in jobs.iter().zip(&results) {
        match result {
            Ok(rendered) => produced.extend(rendered.iter().map(|file| Produced {
                file,
                backend,
                source: &l.peer.source,
            })),
            Err(err) => {
                present::error(&format!("{}: {err}", l.source.path()));
                failed = true;
            }
        }
    }
    // Output order is the order of install paths, whatever order the peers came in; in
    // that order, two peers that render the same file are neighbours.
    produced.sort_unstable_by(|a, b| a.file.path.as_str().cmp(b.file.path.as_str()));
    if produced
        .windows(2)
        .any(|w| w[0].file.path == w[1].file.path)
    {
        report_clashes(&jobs, &results);
        failed = true;
    }
    if failed {
        return Err(Exit::DataError);
    }
    if skipped > 0 {
        present::note(&format!(
            "wg-quick skipped for {skipped} peer(s) that are not WireGuard"
        ));
    }
    for backend in backends.iter().filter(|b| b.is_bgp()) {
        let count = skipped_bgp.iter().filter(|(_, b)| b == backend).count();
        if count > 0 {
            present::note(&format!(
                "{backend} skipped for {count} peer(s) without a [bgp] table"
            ));
        }
    }
    let Output::Folder { dir, mode } = &output else {
        let exit = output::print(produced.iter().map(|p| p.file));
        // The process ends with this command: freeing every peer and file one by one
        // would take a few percent of the run, for memory the kernel takes back at once.
        drop(produced);
        std::mem::forget(results);
        std::mem::forget(loaded);
        return Ok(exit);
    };
    let access = match mode {
        FolderMode::Check => Access::Read,
        FolderMode::Write { .. } => Access::Write,
    };
    let mut folder = match opened {
        Some(folder) => folder,
        None => Folder::open(dir, access)?,
    };
    let existing = manifest::read(&mut folder)?;
    check_side(dir, *mode, &existing, side)?;
    let folder_plan = manifest::plan(
        &mut folder,
        &existing,
        &produced,
        &backends,
        side,
        |source| plan.repo.peer_exists(source),
    )?;
    Ok(match *mode {
        FolderMode::Check => output::check(&mut folder, &existing, &produced, side, &folder_plan),
        FolderMode::Write { prune, .. } => {
            let render = |i: usize| {
                let (l, backend) = jobs[i];
                let (kept, files) = &results[i];
                let files = files.as_deref().unwrap_or_default();
                if *kept {
                    return Ok(Cow::Borrowed(files));
                }
                rendered_as_planned(renderer.render(&l.peer, backend, side), files, l)
                    .map(Cow::Owned)
            };
            // What the folder's cache records if this run leaves the folder holding
            // exactly what it rendered.
            let peers = loaded
                .iter()
                .map(|l| (l.source.name().as_str(), l.source.text()));
            let digest = inputs_digest(
                &plan,
                side,
                &backends,
                &templates,
                renderer.overrides(),
                peers,
            );
            output::write(
                &folder,
                &existing,
                &produced,
                side,
                &folder_plan,
                prune,
                digest.as_deref(),
                jobs.len(),
                &render,
            )
        }
    })
}

/// The digest of everything that decides what a run writes ([`crate::uptodate::Inputs`]):
/// peergen itself, side, backends, templates, the site file and the peer files (`peers`,
/// by name and text, in the order read). `None` when peergen cannot identify itself.
fn inputs_digest<'a>(
    plan: &crate::plan::Plan,
    side: Side,
    backends: &[Backend],
    templates: &peergen_render::TemplateSource,
    overrides: &std::collections::BTreeMap<String, String>,
    peers: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    let mut inputs =
        crate::uptodate::Inputs::new(side, backends, templates.override_dir.as_deref(), overrides)?;
    match &plan.site_source {
        Some(site) => inputs.file(site.path().as_str(), site.text()),
        None => inputs.mark("no site file"),
    }
    inputs.mark("peer files");
    for (name, text) in peers {
        inputs.file(name, text);
    }
    Some(inputs.finish())
}

/// How many bytes of rendered contents writing keeps from the first rendering, so as not
/// to render them twice: all the files of most runs (2,000 peers' networkd files are
/// 2.4 MB), a small part of the peak memory of the largest.
const HELD_BYTES: usize = 8 << 20;

/// The files of a job rendered for writing, which must be exactly the files its plan
/// declared (rendering is deterministic; anything else is a bug, and stops the run
/// before the file is written, with the manifest still listing every file written).
fn rendered_as_planned(
    rendered: Result<Vec<RenderedFile>, peergen_render::RenderError>,
    planned: &[RenderedFile],
    l: &load::Loaded,
) -> Result<Vec<RenderedFile>, Exit> {
    let files = rendered.map_err(|err| {
        present::error(&format!("{}: {err}", l.source.path()));
        Exit::DataError
    })?;
    let same = files.len() == planned.len()
        && files
            .iter()
            .zip(planned)
            .all(|(f, p)| f.path == p.path && f.mode == p.mode);
    if same {
        Ok(files)
    } else {
        present::error(&format!(
            "{}: rendering gave other files than declared before writing; this is a bug in peergen, please report it",
            l.source.path()
        ));
        Err(Exit::IoError)
    }
}
