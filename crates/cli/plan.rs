//! From the command line to a plan, once, before anything is read or rendered.
//!
//! Settings come from four places, highest first: flags, the peer file, the site file,
//! built-in defaults. The peer file's part is validation's ([`peergen_core::validate`]);
//! everything else is resolved here, in one step, into plain values: which site file and
//! what it says, where the config repo's root is (which names peer files in rendered
//! files), and for `render` the backends, the side, the output and the templates. Commands
//! start from a [`Plan`] and never look at flags or the site file again.

use camino::{Utf8Component, Utf8Path, Utf8PathBuf};
use peergen_core::site::Site;
use peergen_core::{Backend, Side};
use peergen_render::{RenderOptions, TemplateSource};

use crate::args::RenderArgs;
use crate::exit::Exit;
use crate::{inputs, load, present};

/// What every command works from: the peer paths, the site file, the repo root.
pub struct Plan {
    /// Peer files or folders, as given.
    pub peers: Vec<Utf8PathBuf>,
    /// The validated site file (built-in defaults when there is none).
    pub site: Site,
    /// Where peer files are named from.
    pub repo: Repo,
}

/// The config repo: the folder of the site file, or the working folder without one.
pub struct Repo {
    /// The site file's folder as written (relative paths in the site file start here);
    /// `None` without a site file.
    site_dir: Option<Utf8PathBuf>,
    /// The same folder, absolute (the working folder without a site file).
    root: Utf8PathBuf,
    /// The working folder.
    cwd: Utf8PathBuf,
}

/// What `render` does with the files.
pub enum Output {
    /// Print them, each after a header line.
    Stdout,
    /// Work on a folder.
    Folder {
        /// The folder, as given (or as the site file names it, from the site file's folder).
        dir: Utf8PathBuf,
        /// Write or compare.
        mode: FolderMode,
    },
}

/// Writing into a folder, or comparing with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderMode {
    /// Write the files.
    Write {
        /// Delete files of peers that no longer exist.
        prune: bool,
        /// Allow turning a folder of the other side's files into this side's.
        replace_side: bool,
    },
    /// Compare only (`--check`).
    Check,
}

/// `render`'s plan: the common one and what rendering needs.
pub struct RenderPlan {
    /// Peers, site file, repo.
    pub plan: Plan,
    /// Backends, each once, in the order given.
    pub backends: Vec<Backend>,
    /// The side rendered.
    pub side: Side,
    /// Where the files go.
    pub output: Output,
    /// Where templates come from.
    pub templates: TemplateSource,
    /// File naming.
    pub options: RenderOptions,
}

impl Plan {
    /// Finds and validates the site file for `peers` (`--config`, or the nearest
    /// `peergen.toml`) and places the repo root.
    pub fn resolve(config: Option<&Utf8Path>, peers: &[Utf8PathBuf]) -> Result<Plan, Exit> {
        let site = load::site(config, peers)?;
        let cwd = std::env::current_dir()
            .ok()
            .and_then(|d| Utf8PathBuf::from_path_buf(d).ok())
            .unwrap_or_else(|| Utf8PathBuf::from("/"));
        let site_dir = site
            .path
            .as_deref()
            .map(|p| p.parent().unwrap_or(Utf8Path::new("")).to_owned());
        let root = match &site_dir {
            Some(dir) => absolute(dir, &cwd),
            None => cwd.clone(),
        };
        Ok(Plan {
            peers: peers.to_vec(),
            site,
            repo: Repo {
                site_dir,
                root,
                cwd,
            },
        })
    }
}

impl Repo {
    /// The peer file's path as rendered files name it: relative to the repo root, so the
    /// bytes do not depend on where peergen was run from or how the path was typed; as
    /// given when it lies outside the root.
    pub fn display_path(&self, path: &Utf8Path) -> Utf8PathBuf {
        absolute(path, &self.cwd)
            .strip_prefix(&self.root)
            .map_or_else(|_| path.to_owned(), Utf8Path::to_owned)
    }

    /// Whether the peer file that rendered files name `name` still exists.
    pub fn peer_exists(&self, name: &Utf8Path) -> bool {
        self.root.join(name).is_file()
    }

    /// A path from the site file, relative to the site file's folder unless absolute.
    fn site_relative(&self, path: &Utf8Path) -> Utf8PathBuf {
        match &self.site_dir {
            Some(dir) if path.is_relative() => dir.join(path),
            _ => path.to_owned(),
        }
    }
}

impl RenderPlan {
    /// Resolves `render`'s flags over the site file. Usage errors (no backend, a folder
    /// flag without a folder) are reported here, before any peer file is read.
    pub fn resolve(args: &RenderArgs) -> Result<RenderPlan, Exit> {
        let plan = Plan::resolve(args.config.as_deref(), &args.peers)?;
        let render = &plan.site.render;
        let backends = unique(if args.backend.is_empty() {
            &render.backends
        } else {
            &args.backend
        });
        if backends.is_empty() {
            present::error("no backend given: use --backend (wg-quick, networkd, netplan, ip) or set backends in the [render] table of peergen.toml");
            return Err(Exit::Usage);
        }
        let side = args.side.or(render.side).unwrap_or_default();
        let dir = match (&args.out, &render.out) {
            (Some(out), _) if out.as_str() == "-" => None,
            (Some(out), _) => Some(out.clone()),
            (None, Some(out)) => Some(plan.repo.site_relative(out)),
            (None, None) => None,
        };
        let output = match dir {
            Some(dir) => {
                inputs::plain_path(&dir, "output folder")?;
                let mode = if args.check {
                    FolderMode::Check
                } else {
                    FolderMode::Write {
                        prune: args.prune,
                        replace_side: args.replace_side,
                    }
                };
                Output::Folder { dir, mode }
            }
            None => {
                for (flag, given) in [
                    ("--check", args.check),
                    ("--prune", args.prune),
                    ("--replace-side", args.replace_side),
                ] {
                    if given {
                        present::error(&format!(
                            "{flag} works on an output folder: give --out DIR (or set out in peergen.toml)"
                        ));
                        return Err(Exit::Usage);
                    }
                }
                Output::Stdout
            }
        };
        if let Some(templates) = &args.templates {
            inputs::plain_path(templates, "template folder")?;
        }
        let mut options = RenderOptions::default();
        if let Some(prefix) = &render.file_prefix {
            options.file_prefix.clone_from(prefix);
        }
        Ok(RenderPlan {
            backends,
            side,
            output,
            templates: TemplateSource {
                override_dir: args.templates.clone(),
            },
            options,
            plan,
        })
    }
}

/// `backends` without repeats, in order.
fn unique(backends: &[Backend]) -> Vec<Backend> {
    let mut out: Vec<Backend> = Vec::with_capacity(backends.len());
    for &b in backends {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

/// `path` made absolute against `cwd` and cleaned of `.` and `..` without asking the file
/// system: one `getcwd` per run instead of a `realpath` per peer file.
fn absolute(path: &Utf8Path, cwd: &Utf8Path) -> Utf8PathBuf {
    let mut out = Utf8PathBuf::new();
    for part in cwd.join(path).components() {
        match part {
            Utf8Component::ParentDir => {
                out.pop();
            }
            Utf8Component::CurDir => {}
            other => out.push(other.as_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(site_dir: Option<&str>, cwd: &str) -> Repo {
        let cwd = Utf8PathBuf::from(cwd);
        let site_dir = site_dir.map(Utf8PathBuf::from);
        Repo {
            root: site_dir
                .as_deref()
                .map_or_else(|| cwd.clone(), |d| absolute(d, &cwd)),
            site_dir,
            cwd,
        }
    }

    #[test]
    fn peer_files_are_named_from_the_repo_root_however_they_were_typed() {
        let repo = repo(Some("../repo"), "/home/op/work");
        for typed in [
            "../repo/peers/a.toml",
            "/home/op/repo/peers/a.toml",
            "../repo/./peers/../peers/a.toml",
        ] {
            assert_eq!(repo.display_path(typed.into()), "peers/a.toml", "{typed}");
        }
        assert_eq!(repo.display_path("/srv/b.toml".into()), "/srv/b.toml");
        assert!(!repo.peer_exists("peers/a.toml".into()));
    }

    #[test]
    fn site_file_paths_start_at_its_folder() {
        let conf = repo(Some("conf"), "/w");
        assert_eq!(conf.site_relative("out".into()), "conf/out");
        assert_eq!(conf.site_relative("/abs".into()), "/abs");
        // `peergen.toml` in the working folder: its folder is "".
        assert_eq!(repo(Some(""), "/w").site_relative("out".into()), "out");
    }

    #[test]
    fn backends_keep_their_first_place() {
        assert_eq!(
            unique(&[Backend::Ip, Backend::Networkd, Backend::Ip]),
            [Backend::Ip, Backend::Networkd]
        );
    }
}
