//! From the command line to a plan, once, before anything is read or rendered.
//!
//! Settings come from four places, highest first: flags, the peer file, the site file,
//! built-in defaults. The peer file's part is validation's ([`peergen_core::validate`]);
//! everything else is resolved here, in one step, into plain values: which site file and
//! what it says, where the config repo's root is (which names peer files in rendered
//! files), and for `render` the backends, the side, the output and the templates. Commands
//! start from a [`Plan`] and never look at flags or the site file again.

use camino::{Utf8Path, Utf8PathBuf};
use peergen_core::site::Site;
use peergen_core::{Backend, Side, SourceFile};
use peergen_render::{RenderOptions, TemplateSource};

use crate::args::RenderArgs;
use crate::exit::Exit;
use crate::load::{self, Loaded};
use crate::repo::Repo;
use crate::{inputs, present};

/// What every command works from: the peer paths, the site file, the repo root.
pub struct Plan {
    /// Peer files or folders, as given.
    pub peers: Vec<Utf8PathBuf>,
    /// `peers` as first looked at: folders, and the files named read already
    /// ([`load::probe`]). Taken by the first load of the peers; a later one reads again.
    pub probes: std::cell::RefCell<Vec<load::Probe>>,
    /// The validated site file (built-in defaults when there is none).
    pub site: Site,
    /// Where peer files are named from.
    pub repo: Repo,
    /// The site file as read (`None` without one).
    pub site_source: Option<SourceFile>,
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
        let probes = load::probe(peers);
        let (site, site_source) = load::site(config, peers, &load::folders(&probes))?;
        let cwd = std::env::current_dir()
            .ok()
            .and_then(|d| Utf8PathBuf::from_path_buf(d).ok())
            .unwrap_or_else(|| Utf8PathBuf::from("/"));
        let site_dir = site
            .path
            .as_deref()
            .map(|p| p.parent().unwrap_or(Utf8Path::new("")).to_owned());
        Ok(Plan {
            peers: peers.to_vec(),
            probes: std::cell::RefCell::new(probes),
            site,
            repo: Repo::new(site_dir, cwd),
            site_source,
        })
    }

    /// Reads, validates and cross-checks the peer files ([`load::peers`]).
    pub fn load_peers(&self) -> Result<Vec<Loaded>, Exit> {
        load::peers(&self.peers, self.take_probes(), &self.site, &self.repo)
    }

    /// The probes of the peer paths ([`Plan::probes`]), taken: empty when taken before.
    pub fn take_probes(&self) -> Vec<load::Probe> {
        self.probes.take()
    }
}

impl RenderPlan {
    /// Resolves `render`'s flags over the site file. Usage errors (no backend, a folder
    /// flag without a folder) are reported here, before any peer file is validated.
    pub fn resolve(args: &RenderArgs) -> Result<RenderPlan, Exit> {
        let plan = Plan::resolve(args.config.as_deref(), &args.peers)?;
        let render = &plan.site.render;
        let backends = unique(if args.backend.is_empty() {
            &render.backends
        } else {
            &args.backend
        });
        if backends.is_empty() {
            present::error(&format!(
                "no backend given: use --backend ({}) or set backends in the [render] table of peergen.toml",
                Backend::names().join(", ")
            ));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_keep_their_first_place() {
        assert_eq!(
            unique(&[Backend::Ip, Backend::Networkd, Backend::Ip]),
            [Backend::Ip, Backend::Networkd]
        );
    }
}
