//! Turns command-line paths into the list of peer files, and finds the site file.
//!
//! A directory stands for every `*.toml` file below it (sorted, hidden folders skipped,
//! the site file itself excluded) that the site file's `[peers]` patterns select. The site file is `--config FILE`, or the nearest
//! `peergen.toml` found by walking up from the inputs; inputs that would find different
//! site files must be rendered separately (or given one with `--config`).

use camino::{Utf8Path, Utf8PathBuf};
use peergen_core::select::{not_a_peer_file, PeerSelection};
use peergen_core::site::{Site, SITE_FILE_NAME};
use peergen_core::{Diagnostic, DiagnosticKind, SourceFile};

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

/// A peer file to read.
pub struct PeerPath {
    /// Its path, as given or as found below a folder given.
    pub path: Utf8PathBuf,
    /// Where it was found; `None` for a file named on the command line, which is always
    /// a peer file.
    pub found: Option<Found>,
}

/// How a file was found in a folder.
pub struct Found {
    /// The folder given on the command line.
    pub folder: Utf8PathBuf,
    /// The file's path relative to the site file's folder (or, without a site file, to
    /// `folder`), as `[peers]` patterns see it; `None` when it lies outside that folder.
    pub relative: Option<String>,
}

/// Expands directories (`folders`: which of `paths` are folders, [`crate::load::probe`])
/// into the peer files below them (as chosen by the site file's `[peers]` patterns); files
/// are kept as given. A folder without peer files is valid (its peers were all removed):
/// it renders nothing.
pub fn peer_files(
    paths: &[Utf8PathBuf],
    folders: &[bool],
    site: &Site,
) -> Result<Vec<PeerPath>, Exit> {
    let cwd = current_dir();
    let root = site
        .path
        .as_deref()
        .and_then(Utf8Path::parent)
        .map(|dir| absolute(dir, &cwd));
    let mut files = Vec::new();
    for (path, &folder) in paths.iter().zip(folders) {
        plain_path(path, "peer file")?;
        if folder {
            let before = files.len();
            let mut walk = Walk {
                selection: &site.peers,
                root: root.as_deref(),
                cwd: &cwd,
                given: path,
                out: &mut files,
            };
            let relative = walk.relative(path);
            walk.folder(path, relative)?;
            if files.len() == before {
                let chosen = match &site.path {
                    Some(site_file) if site.peers != PeerSelection::default() => {
                        format!(" that the [peers] table of {site_file} selects")
                    }
                    _ => String::new(),
                };
                present::warning(&format!("{path} contains no peer files (*.toml{chosen})"));
            }
        } else {
            files.push(PeerPath {
                path: path.clone(),
                found: None,
            });
        }
    }
    Ok(files)
}

/// One folder given on the command line, walked.
struct Walk<'a> {
    selection: &'a PeerSelection,
    /// The site file's folder, absolute (`None`: no site file; paths are then relative
    /// to the folder given).
    root: Option<&'a Utf8Path>,
    cwd: &'a Utf8Path,
    given: &'a Utf8Path,
    out: &'a mut Vec<PeerPath>,
}

impl Walk<'_> {
    /// The path of `dir` relative to the site file's folder, `None` outside it.
    fn relative(&self, dir: &Utf8Path) -> Option<String> {
        let Some(root) = self.root else {
            let below_given = dir.strip_prefix(self.given).ok()?;
            return Some(below_given.as_str().to_owned());
        };
        absolute(dir, self.cwd)
            .strip_prefix(root)
            .ok()
            .map(|rel| rel.as_str().to_owned())
    }

    /// Adds the peer files below `dir`, whose path relative to the site file's folder is
    /// `relative` (`None`: outside it, where no pattern applies).
    fn folder(&mut self, dir: &Utf8Path, relative: Option<String>) -> Result<(), Exit> {
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
            let child = relative.as_deref().map(|rel| match rel {
                "" => name.to_owned(),
                _ => format!("{rel}/{name}"),
            });
            // The entry's type comes with the folder listing; only a symlink (or a file
            // system that does not give types) costs a look-up of its own.
            let is_dir = match entry.file_type() {
                Ok(t) if t.is_symlink() => path.is_dir(),
                Ok(t) => t.is_dir(),
                Err(_) => path.is_dir(),
            };
            if is_dir {
                // A walk that starts above the site file's folder enters it further down.
                let child = child.or_else(|| self.relative(&path));
                if child
                    .as_deref()
                    .is_some_and(|c| self.selection.skips_folder(c))
                {
                    continue;
                }
                self.folder(&path, child)?;
            } else if name.ends_with(".toml")
                && name != SITE_FILE_NAME
                && child.as_deref().map_or(true, |c| self.selection.selects(c))
            {
                self.out.push(PeerPath {
                    path,
                    found: Some(Found {
                        folder: self.given.to_owned(),
                        relative: child,
                    }),
                });
            }
        }
        Ok(())
    }
}

/// The working folder (`/` if it cannot be told).
pub fn current_dir() -> Utf8PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|d| Utf8PathBuf::from_path_buf(d).ok())
        .unwrap_or_else(|| Utf8PathBuf::from("/"))
}

/// `path` made absolute against `cwd` and cleaned of `.` and `..` without asking the file
/// system: one `getcwd` per run instead of a `realpath` per peer file.
pub fn absolute(path: &Utf8Path, cwd: &Utf8Path) -> Utf8PathBuf {
    let mut out = Utf8PathBuf::new();
    for part in cwd.join(path).components() {
        match part {
            camino::Utf8Component::ParentDir => {
                out.pop();
            }
            camino::Utf8Component::CurDir => {}
            other => out.push(other.as_str()),
        }
    }
    out
}

/// For a file found in a folder that did not validate: when it is plainly not a peer
/// file (another tool's TOML), says so and how to keep it out, and returns true; else
/// the caller shows the file's diagnostics.
pub fn report_not_a_peer_file(file: &PeerPath, source: &SourceFile, site: &Site) -> bool {
    let Some(found) = &file.found else {
        return false;
    };
    let Some(keys) = not_a_peer_file(source.text()) else {
        return false;
    };
    let has = if keys.is_empty() {
        "this one is empty".to_owned()
    } else {
        format!("this one has {}", keys.join(", "))
    };
    let how = match (&site.path, &found.relative) {
        (Some(site_file), Some(rel)) => format!(
            "add exclude = [\"{rel}\"] to the [peers] table of {site_file} (patterns are relative to its folder), or move the file out of {}",
            found.folder
        ),
        (None, Some(rel)) => format!(
            "create {} with a [peers] table holding exclude = [\"{rel}\"], or move the file out of {}",
            found.folder.join(SITE_FILE_NAME),
            found.folder
        ),
        (_, None) => format!(
            "move it out of {}, or name the peer files one by one",
            found.folder
        ),
    };
    present::error(&format!(
        "{}: not a peer file: a peer file has `name` and `kind` at the top, {has}. It was read because every *.toml file below {} is taken as a peer file unless the site file excludes it: {how}",
        file.path, found.folder
    ));
    true
}

/// Whether a file found in a folder failed in a way that a file of another kind would
/// (not TOML, or keys peer files do not have): then [`exclusion_note`] is worth printing.
pub fn may_not_be_a_peer_file(file: &PeerPath, diagnostics: &[Diagnostic]) -> bool {
    file.found.is_some()
        && diagnostics.iter().any(|d| {
            matches!(
                d.kind,
                DiagnosticKind::TomlSyntax | DiagnosticKind::UnknownKey
            )
        })
}

/// Reminds, once per run, how to keep files that are not peer files out of folders.
pub fn exclusion_note(site: &Site) {
    let site_file = site
        .path
        .as_ref()
        .map_or_else(|| SITE_FILE_NAME.to_owned(), ToString::to_string);
    eprintln!("note: every *.toml file found in a folder is read as a peer file; if one of the files above is something else (a template, another tool's file), list it in exclude of the [peers] table of {site_file}");
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

/// The site file for these inputs (`folders`: which of them are folders,
/// [`crate::load::probe`]): `--config`, else the one found by walking up.
pub fn site_file(
    config: Option<&Utf8Path>,
    inputs: &[Utf8PathBuf],
    folders: &[bool],
) -> Result<Option<Utf8PathBuf>, Exit> {
    if let Some(config) = config {
        plain_path(config, "site file")?;
        return Ok(Some(config.to_owned()));
    }
    let mut first: Option<(&Utf8PathBuf, Option<Utf8PathBuf>)> = None;
    let mut searched: Vec<(Utf8PathBuf, Option<Utf8PathBuf>)> = Vec::new();
    for (input, &folder) in inputs.iter().zip(folders) {
        let start = if folder {
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
