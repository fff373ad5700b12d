//! Turns command-line paths into the list of peer files, and finds the site file.
//!
//! A directory stands for every `*.toml` file below it (sorted, hidden folders skipped,
//! the site file itself excluded). The site file is `--config FILE`, or the nearest
//! `peergen.toml` found by walking up from the inputs; inputs that would find different
//! site files must be rendered separately (or given one with `--config`).

use camino::{Utf8Path, Utf8PathBuf};
use peergen_core::site::SITE_FILE_NAME;

use crate::exit::Exit;
use crate::present;

/// Refuses a path with control characters (tabs, newlines, escape sequences): paths end
/// up in comments of rendered files, in the manifest and in messages, where such a
/// character could start a new line or field.
pub fn plain_path(path: &Utf8Path, what: &str) -> Result<(), Exit> {
    if path.as_str().chars().any(char::is_control) {
        present::error(&format!(
            "{:?}: {what} paths with control characters (tabs, newlines, …) are not supported; rename it",
            path.as_str()
        ));
        return Err(Exit::Usage);
    }
    Ok(())
}

/// Expands directories into the peer files below them; files are kept as given. A
/// folder without peer files is valid (its peers were all removed): it renders nothing.
pub fn peer_files(paths: &[Utf8PathBuf]) -> Result<Vec<Utf8PathBuf>, Exit> {
    let mut files = Vec::new();
    for path in paths {
        plain_path(path, "peer file")?;
        if path.is_dir() {
            let before = files.len();
            walk(path, &mut files)?;
            if files.len() == before {
                present::warning(&format!("{path} contains no peer files (*.toml)"));
            }
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Utf8Path, out: &mut Vec<Utf8PathBuf>) -> Result<(), Exit> {
    let entries = dir.read_dir_utf8().map_err(|err| {
        present::error(&format!("cannot read folder {dir}: {err}"));
        Exit::NoInput
    })?;
    let mut entries: Vec<_> = entries
        .filter_map(|e| match e {
            Ok(e) => Some(e),
            Err(err) => {
                present::warning(&format!("skipping an entry of {dir}: {err}"));
                None
            }
        })
        .collect();
    entries.sort_by(|a, b| a.file_name().cmp(b.file_name()));
    for entry in entries {
        let name = entry.file_name();
        let path = entry.path().to_owned();
        if name.starts_with('.') {
            continue;
        }
        plain_path(&path, "peer file")?;
        if path.is_dir() {
            walk(&path, out)?;
        } else if name.ends_with(".toml") && name != SITE_FILE_NAME {
            out.push(path);
        }
    }
    Ok(())
}

/// The nearest `peergen.toml` in `start` or a folder above it.
fn nearest_site_file(start: &Utf8Path) -> Option<Utf8PathBuf> {
    let absolute = if start.is_absolute() {
        start.to_owned()
    } else {
        Utf8PathBuf::from_path_buf(std::env::current_dir().ok()?)
            .ok()?
            .join(start)
    };
    let mut dir = Some(absolute.as_path());
    while let Some(d) = dir {
        let candidate = d.join(SITE_FILE_NAME);
        if candidate.is_file() {
            return Some(relative_to_cwd(&candidate));
        }
        dir = d.parent();
    }
    None
}

/// Shows paths below the working folder relatively, as users typed them.
fn relative_to_cwd(path: &Utf8Path) -> Utf8PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| Utf8PathBuf::from_path_buf(cwd).ok())
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Utf8Path::to_owned))
        .unwrap_or_else(|| path.to_owned())
}

/// The site file for these inputs: `--config`, else the one found by walking up.
pub fn site_file(
    config: Option<&Utf8Path>,
    inputs: &[Utf8PathBuf],
) -> Result<Option<Utf8PathBuf>, Exit> {
    if let Some(config) = config {
        plain_path(config, "site file")?;
        return Ok(Some(config.to_owned()));
    }
    let mut first: Option<(&Utf8PathBuf, Option<Utf8PathBuf>)> = None;
    let mut searched: Vec<(Utf8PathBuf, Option<Utf8PathBuf>)> = Vec::new();
    for input in inputs {
        let start = if input.is_dir() {
            input.as_path()
        } else {
            input.parent().unwrap_or(Utf8Path::new("."))
        };
        let start = if start.as_str().is_empty() {
            Utf8Path::new(".")
        } else {
            start
        };
        // Peer files mostly share a folder: look each folder up once.
        let site = match searched.iter().find(|(dir, _)| dir == start) {
            Some((_, site)) => site.clone(),
            None => {
                let site = nearest_site_file(start);
                searched.push((start.to_owned(), site.clone()));
                site
            }
        };
        match &first {
            None => first = Some((input, site)),
            Some((first_input, first_site)) if *first_site != site => {
                let show = |s: &Option<Utf8PathBuf>| {
                    s.as_ref()
                        .map_or("no site file".to_owned(), |p| format!("the site file {p}"))
                };
                present::error(&format!("{first_input} uses {}, but {input} uses {}; render them separately or choose one with --config",
                    show(first_site),
                    show(&site)
                ));
                return Err(Exit::Usage);
            }
            Some(_) => {}
        }
    }
    let site = first.and_then(|(_, site)| site);
    if let Some(path) = &site {
        plain_path(path, "site file")?;
    }
    Ok(site)
}
