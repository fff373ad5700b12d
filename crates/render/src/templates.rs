//! The template environment: templates from the top-level `templates/` folder embedded
//! at build time, optionally overridden file by file from a directory at run time
//! (`--templates DIR`), with strict undefined behaviour and per-format escaping.

use std::collections::BTreeMap;

use camino::{Utf8Path, Utf8PathBuf};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use peergen_core::Backend;

use crate::backends;
use crate::escape;
use crate::format::Format;
use crate::template_id::{Template, TemplateId};

/// The starter peer file `peergen init` writes (TOML). Not a backend's: `init` renders it
/// on its own ([`crate::context::init`]).
pub const INIT_PEER: TemplateId = TemplateId {
    name: "init/peer.toml.j2",
    format: Format::Toml,
};

const INIT: Template = Template {
    id: INIT_PEER,
    text: include_str!("../../../templates/init/peer.toml.j2"),
};

/// The README of a handoff folder (`peergen handoff`, [`crate::context::handoff`]).
pub const HANDOFF_README: TemplateId = TemplateId {
    name: "handoff/README.md.j2",
    format: Format::Markdown,
};

/// The other operator's peer file in a handoff folder.
pub const HANDOFF_PEER: TemplateId = TemplateId {
    name: "handoff/peer.toml.j2",
    format: Format::Toml,
};

static HANDOFF: [Template; 2] = [
    Template {
        id: HANDOFF_README,
        text: include_str!("../../../templates/handoff/README.md.j2"),
    },
    Template {
        id: HANDOFF_PEER,
        text: include_str!("../../../templates/handoff/peer.toml.j2"),
    },
];

/// Every template the code names: each backend's, in backend order, then `init`'s, then
/// the handoff's.
pub fn embedded() -> impl Iterator<Item = &'static Template> {
    Backend::ALL
        .into_iter()
        .flat_map(backends::templates)
        .chain(std::iter::once(&INIT))
        .chain(HANDOFF.iter())
}

/// The id of the template called `name`.
fn by_name(name: &str) -> Option<TemplateId> {
    embedded().map(|t| t.id).find(|id| id.name == name)
}

/// The escaping of the template called `name`: its id's format. Override files take the
/// format of the id they replace (the loader serves no other names); INI-style is the
/// fallback, though no other name can load.
fn auto_escape_for(name: &str) -> AutoEscape {
    by_name(name)
        .map_or(Format::Ini, |id| id.format)
        .auto_escape()
}

/// Where templates come from.
#[derive(Debug, Clone, Default)]
pub struct TemplateSource {
    /// A directory whose files (same relative names as in `templates/`) replace the
    /// embedded ones; files it lacks fall back to the embedded templates.
    pub override_dir: Option<Utf8PathBuf>,
}

/// The texts of the templates that `source` overrides, by template name; empty without
/// an override directory. A missing or unreadable override directory is an error.
pub fn overrides(source: &TemplateSource) -> Result<BTreeMap<String, String>, std::io::Error> {
    let mut overrides = BTreeMap::new();
    if let Some(dir) = &source.override_dir {
        if !dir.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("template directory {dir} does not exist"),
            ));
        }
        check_override_names(dir)?;
        for name in embedded().map(|t| t.id.name) {
            let path = dir.join(Utf8Path::new(name));
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    overrides.insert(name.to_owned(), text);
                }
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(std::io::Error::new(err.kind(), format!("{path}: {err}"))),
            }
        }
    }
    Ok(overrides)
}

/// Builds the environment from the embedded templates and `overrides` ([`overrides`]).
pub fn environment(overrides: &BTreeMap<String, String>) -> Environment<'static> {
    let mut templates: BTreeMap<String, String> = embedded()
        .map(|t| (t.id.name.to_owned(), t.text.to_owned()))
        .collect();
    templates.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_auto_escape_callback(auto_escape_for);
    env.set_formatter(escape::format);
    env.add_filter("sh", escape::sh_filter);
    env.add_filter("comment", escape::comment_filter);
    env.add_filter("toml_key", escape::toml_key_filter);
    env.add_filter("code", escape::code_filter);
    env.set_loader(move |name| Ok(templates.get(name).cloned()));
    env
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
            } else if by_name(child.as_str()).is_none() {
                unknown.push(child);
            }
        }
    }
    if unknown.is_empty() {
        return Ok(());
    }
    unknown.sort();
    let unknown: Vec<String> = unknown.iter().map(|p| dir.join(p).into_string()).collect();
    let valid: Vec<&str> = embedded().map(|t| t.id.name).collect();
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
        let env = environment(&BTreeMap::new());
        for name in embedded().map(|t| t.id.name) {
            env.get_template(name)
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
        }
    }

    #[test]
    fn each_template_is_escaped_for_its_format_not_its_file_name() {
        for template in embedded() {
            assert_eq!(
                auto_escape_for(template.id.name),
                template.id.format.auto_escape()
            );
        }
        // What the file is called does not matter: the id's format does.
        let shell = embedded().find(|t| t.id.format == Format::Sh).unwrap();
        let mut env = environment(&BTreeMap::new());
        env.add_template_owned(shell.id.name, "{{ v }}\n").unwrap();
        let text = env
            .get_template(shell.id.name)
            .unwrap()
            .render(minijinja::context! { v => "a b" })
            .unwrap();
        assert_eq!(text, "'a b'\n");
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
        let mut named: Vec<String> = embedded().map(|t| t.id.name.to_owned()).collect();
        named.sort();
        assert_eq!(on_disk, named);
    }
}
