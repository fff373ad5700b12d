//! The config repo a run works in: the folder of the site file (or the working folder
//! without one). Rendered files and manifests name peer files relative to it, and paths in
//! the site file start at it.

use camino::{Utf8Component, Utf8Path, Utf8PathBuf};

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

impl Repo {
    /// The repo of a site file in `site_dir` (as written; `None`: no site file), seen
    /// from the working folder `cwd`.
    pub fn new(site_dir: Option<Utf8PathBuf>, cwd: Utf8PathBuf) -> Repo {
        let root = match &site_dir {
            Some(dir) => absolute(dir, &cwd),
            None => cwd.clone(),
        };
        Repo {
            site_dir,
            root,
            cwd,
        }
    }

    /// The peer file's path as rendered files name it: relative to the repo root, so the
    /// bytes do not depend on where peergen was run from or how the path was typed; as
    /// given when it lies outside the root.
    pub fn display_path(&self, path: &Utf8Path) -> Utf8PathBuf {
        // The usual case, a plain relative path with the repo root the working folder, is
        // already that: no need to build and cut an absolute path per peer file.
        let plain = |p: &str| p.split('/').all(|c| !c.is_empty() && c != "." && c != "..");
        if self.root == self.cwd && plain(path.as_str()) {
            return path.to_owned();
        }
        absolute(path, &self.cwd)
            .strip_prefix(&self.root)
            .map_or_else(|_| path.to_owned(), Utf8Path::to_owned)
    }

    /// Whether the peer file that rendered files name `name` still exists.
    pub fn peer_exists(&self, name: &Utf8Path) -> bool {
        self.root.join(name).is_file()
    }

    /// A path from the site file, relative to the site file's folder unless absolute.
    pub fn site_relative(&self, path: &Utf8Path) -> Utf8PathBuf {
        match &self.site_dir {
            Some(dir) if path.is_relative() => dir.join(path),
            _ => path.to_owned(),
        }
    }
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
        Repo::new(site_dir.map(Utf8PathBuf::from), cwd.into())
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
    fn paths_below_the_working_folder_are_cleaned_like_any_other() {
        // The root is the working folder: plain paths are kept, the others cleaned.
        for site_dir in [None, Some("")] {
            let repo = repo(site_dir, "/w");
            for (typed, shown) in [
                ("peers/a.toml", "peers/a.toml"),
                ("a.toml", "a.toml"),
                ("./peers/a.toml", "peers/a.toml"),
                ("peers//a.toml", "peers/a.toml"),
                ("peers/../a.toml", "a.toml"),
                ("/w/peers/a.toml", "peers/a.toml"),
            ] {
                assert_eq!(repo.display_path(typed.into()), shown, "{typed}");
            }
        }
    }

    #[test]
    fn site_file_paths_start_at_its_folder() {
        let conf = repo(Some("conf"), "/w");
        assert_eq!(conf.site_relative("out".into()), "conf/out");
        assert_eq!(conf.site_relative("/abs".into()), "/abs");
        // `peergen.toml` in the working folder: its folder is "".
        assert_eq!(repo(Some(""), "/w").site_relative("out".into()), "out");
    }
}
