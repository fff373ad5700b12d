//! The template environment: templates from the top-level `templates/` folder embedded
//! at build time, optionally overridden file by file from a directory at run time
//! (`--templates DIR`), with strict undefined behaviour and per-format escaping.

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};
use minijinja::{Environment, UndefinedBehavior};

use crate::escape;

/// The wg-quick configuration.
pub const WG_QUICK_CONF: &str = "wg-quick/interface.conf.j2";
/// The networkd `.netdev`.
pub const NETWORKD_NETDEV: &str = "networkd/tunnel.netdev.j2";
/// The networkd `.network`.
pub const NETWORKD_NETWORK: &str = "networkd/tunnel.network.j2";
/// The netplan YAML.
pub const NETPLAN_YAML: &str = "netplan/tunnel.yaml.j2";
/// The `ip` bring-up script.
pub const IP_UP: &str = "ip/up.sh.j2";
/// The `ip` tear-down script.
pub const IP_DOWN: &str = "ip/down.sh.j2";
/// The starter peer file `peergen init` writes (TOML).
pub const INIT_PEER: &str = "init/peer.toml.j2";

/// Every template the code names, with its embedded text.
pub const EMBEDDED: [(&str, &str); 7] = [
    (
        WG_QUICK_CONF,
        include_str!("../../../templates/wg-quick/interface.conf.j2"),
    ),
    (
        NETWORKD_NETDEV,
        include_str!("../../../templates/networkd/tunnel.netdev.j2"),
    ),
    (
        NETWORKD_NETWORK,
        include_str!("../../../templates/networkd/tunnel.network.j2"),
    ),
    (
        NETPLAN_YAML,
        include_str!("../../../templates/netplan/tunnel.yaml.j2"),
    ),
    (IP_UP, include_str!("../../../templates/ip/up.sh.j2")),
    (IP_DOWN, include_str!("../../../templates/ip/down.sh.j2")),
    (
        INIT_PEER,
        include_str!("../../../templates/init/peer.toml.j2"),
    ),
];

/// Where templates come from.
#[derive(Debug, Clone, Default)]
pub struct TemplateSource {
    /// A directory whose files (same relative names as in `templates/`) replace the
    /// embedded ones; files it lacks fall back to the embedded templates.
    pub override_dir: Option<Utf8PathBuf>,
}

/// Builds the environment. Overrides are read once, here, so a missing or unreadable
/// override directory is reported before anything renders.
pub fn environment(source: &TemplateSource) -> Result<Environment<'static>, std::io::Error> {
    let mut templates: BTreeMap<String, String> = EMBEDDED
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    if let Some(dir) = &source.override_dir {
        if !dir.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("template directory {dir} does not exist"),
            ));
        }
        check_override_names(dir)?;
        for (name, _) in EMBEDDED {
            let path = dir.join(Utf8Path::new(name));
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    templates.insert(name.to_owned(), text);
                }
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(std::io::Error::new(err.kind(), format!("{path}: {err}"))),
            }
        }
    }
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_auto_escape_callback(escape::auto_escape_for);
    env.set_formatter(escape::format);
    env.add_filter("sh", escape::sh_filter);
    env.add_filter("comment", escape::comment_filter);
    env.add_filter("toml_key", escape::toml_key_filter);
    env.set_loader(move |name| Ok(templates.get(name).cloned()));
    Ok(env)
}

/// Refuses a file in the override directory that is not a template name: a misspelt
/// override would otherwise be ignored without a word, and the built-in template used.
/// Hidden files and folders (`.git`, `.gitkeep`) are skipped.
fn check_override_names(dir: &Utf8Path) -> Result<(), std::io::Error> {
    let mut unknown = Vec::new();
    let mut pending = vec![Utf8PathBuf::new()];
    while let Some(rel) = pending.pop() {
        let entries = dir
            .join(&rel)
            .read_dir_utf8()
            .map_err(|err| std::io::Error::new(err.kind(), format!("{}: {err}", dir.join(&rel))))?;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            if name.starts_with('.') {
                continue;
            }
            let child = rel.join(name);
            if entry.file_type()?.is_dir() {
                pending.push(child);
            } else if !EMBEDDED.iter().any(|(known, _)| *known == child.as_str()) {
                unknown.push(child);
            }
        }
    }
    if unknown.is_empty() {
        return Ok(());
    }
    unknown.sort();
    let unknown: Vec<String> = unknown.iter().map(|p| dir.join(p).into_string()).collect();
    let valid: Vec<&str> = EMBEDDED.iter().map(|(name, _)| *name).collect();
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "{} not a template name; the templates are {} (relative to {dir})",
            match unknown.as_slice() {
                [one] => format!("{one} is"),
                many => format!("{} are", many.join(", ")),
            },
            valid.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_template_exists_and_compiles() {
        let env = environment(&TemplateSource::default()).unwrap();
        for (name, _) in EMBEDDED {
            env.get_template(name)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }

    #[test]
    fn templates_on_disk_are_exactly_the_named_ones() {
        let root = Utf8Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
        let mut on_disk = Vec::new();
        for dir in std::fs::read_dir(&root).unwrap() {
            let dir = dir.unwrap();
            for file in std::fs::read_dir(dir.path()).unwrap() {
                let file = file.unwrap();
                on_disk.push(format!(
                    "{}/{}",
                    dir.file_name().to_string_lossy(),
                    file.file_name().to_string_lossy()
                ));
            }
        }
        on_disk.sort();
        let mut named: Vec<String> = EMBEDDED.iter().map(|(n, _)| (*n).to_owned()).collect();
        named.sort();
        assert_eq!(on_disk, named);
    }
}
