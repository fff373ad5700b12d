//! From TOML text to a file's raw structs, or every problem of syntax and shape, each as a
//! diagnostic with a kind, the dotted field, its location and a fix.
//!
//! serde reports one problem at a time, in its own words (`invalid type: string "1",
//! expected i64`). So the text is first parsed into a document that keeps every key's and
//! value's span, and walked against the file's shape, which is derived from the same
//! structs the parser fills ([`shape`]); every unknown key, wrong type and missing key is
//! reported together. Only a file of the right shape is deserialized.
//!
//! - [`direct`]: the files of the usual shape, deserialized without a document.
//! - [`shape`]: the tables and keys of a peer file or site file, from their types.
//! - [`walk`]: the document against the shape.
//! - [`keys`]: unknown and missing keys, and keys peergen does not support.
//! - [`suggest`]: close spellings.
//! - [`types`]: values of the wrong type.
//! - [`syntax`]: text that is not TOML.
//! - [`unsupported`]: keys of other tools that peergen does not take, with what to do.

mod direct;
mod keys;
mod shape;
mod suggest;
mod syntax;
mod types;
mod unsupported;
mod walk;

use serde::de::DeserializeOwned;

#[doc(hidden)]
pub use direct::agrees_with_toml;
pub(crate) use shape::FileShape;

use crate::diagnostic::{Diagnostic, DiagnosticKind};

/// Parses `text` as a file of the shape `file` gives into `T` (whose types the shape was
/// read from), or returns every problem found, in file order. The shape is built (from
/// the JSON Schema of `T`, once per run) only when a file is walked.
pub(crate) fn parse<T: DeserializeOwned>(
    text: &str,
    file: fn() -> &'static FileShape,
) -> Result<T, Vec<Diagnostic>> {
    // Nearly every file is deserialized straight from the parser's events, without a
    // document: the rest go through toml's document, as below.
    if let Some(value) = direct::deserialize(text) {
        return Ok(value);
    }
    let parse = || {
        toml::de::DeTable::parse(text).map_err(|err| {
            let span = err.span().unwrap_or(0..text.len().min(1));
            vec![syntax::syntax(text, err.message(), span)]
        })
    };
    let mut doc = parse()?;
    // The shape is read off the structs serde fills, so a document that deserializes has
    // the right shape, and nearly every file does: it is deserialized first, and walked
    // only when that fails, which parses it again. Arrays of tables (`[[…]]`) are the
    // exception: serde would take one where the shape has a list, and the walk refuses it.
    if !text.contains("[[") {
        match T::deserialize(toml::de::Deserializer::from(doc)) {
            Ok(value) => return Ok(value),
            Err(_) => doc = parse()?,
        }
    }
    let file = file();
    let mut problems = walk::check(text, doc.get_ref(), file);
    if problems.is_empty() {
        match T::deserialize(toml::de::Deserializer::from(doc)) {
            Ok(value) => return Ok(value),
            Err(err) => problems.push(unexpected(text, &err, file)),
        }
    }
    problems.sort_by_key(|d| d.span.as_ref().map_or(usize::MAX, |s| s.start));
    Err(problems)
}

/// A problem serde found that the walk did not: the two disagree only if the shape misses
/// something the structs check, so say what serde said, located.
fn unexpected(text: &str, err: &toml::de::Error, file: &FileShape) -> Diagnostic {
    let span = err.span().unwrap_or(0..text.len().min(1));
    let field = syntax::line_key(text, span.start).unwrap_or_else(|| "(value)".to_owned());
    let message = err.message().trim().replace('\n', ": ");
    Diagnostic::error(DiagnosticKind::WrongType, field, span, message)
        .with_help(format!("{} gives every key's type", file.docs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw::RawPeer;
    use serde::Deserialize as _;

    /// What [`parse`] relies on to skip the walk: a document serde deserializes is one the
    /// walk finds nothing in (arrays of tables aside, which it walks anyway), over every
    /// peer file of the fixtures, valid and invalid.
    #[test]
    fn what_serde_accepts_the_walk_accepts() {
        let root = camino::Utf8Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut checked = 0;
        for folder in ["valid", "invalid"] {
            for entry in root.join(folder).read_dir_utf8().expect("fixtures") {
                let path = entry.expect("entry").into_path();
                if path.extension() != Some("toml") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("read");
                let Ok(doc) = toml::de::DeTable::parse(&text) else {
                    continue;
                };
                let walked = walk::check(&text, doc.get_ref(), FileShape::peer());
                let deserialized = RawPeer::deserialize(toml::de::Deserializer::from(doc));
                if deserialized.is_ok() && !text.contains("[[") {
                    assert!(walked.is_empty(), "{path}: {walked:#?}");
                }
                checked += 1;
            }
        }
        assert!(checked > 150, "{checked}");
        // The site file, whose structs are plain derives.
        let text = std::fs::read_to_string(root.join("repo/peergen.toml")).expect("site");
        let doc = toml::de::DeTable::parse(&text).expect("parses");
        let walked = walk::check(&text, doc.get_ref(), FileShape::site());
        let deserialized = crate::site::RawSite::deserialize(toml::de::Deserializer::from(doc));
        assert!(deserialized.is_ok() && walked.is_empty(), "{walked:#?}");
    }

    /// Every fixture (peer files, valid and invalid, and the site files) reads the same
    /// without toml's document as through it, and the valid ones do read without it: the
    /// usual shape is not refused by mistake.
    #[test]
    fn direct_reading_agrees_with_toml() {
        let root = camino::Utf8Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        let mut files = Vec::new();
        let mut folders = vec![root.clone()];
        while let Some(folder) = folders.pop() {
            for entry in folder.read_dir_utf8().expect("fixtures") {
                let path = entry.expect("entry").into_path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension() == Some("toml") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 190, "{}", files.len());
        let mut direct = 0;
        for path in &files {
            let text = std::fs::read_to_string(path).expect("read");
            if path.file_name() == Some("peergen.toml") {
                let site = agrees_with_toml::<crate::site::RawSite>(&text);
                assert!(site.is_ok(), "{path}: {}", site.unwrap_err());
                assert!(
                    direct::deserialize::<crate::site::RawSite>(&text).is_some(),
                    "{path}"
                );
                continue;
            }
            let peer = agrees_with_toml::<RawPeer>(&text);
            assert!(peer.is_ok(), "{path}: {}", peer.unwrap_err());
            if direct::deserialize::<RawPeer>(&text).is_some() {
                direct += 1;
            } else {
                assert!(
                    !path.as_str().contains("/valid/"),
                    "{path} read through toml"
                );
            }
        }
        assert!(direct > 100, "{direct}");
    }

    /// Files of another shape, or with a problem toml reports, are left to toml.
    #[test]
    fn direct_reading_leaves_the_rest_to_toml() {
        let base = "name = \"gre1\"\nkind = \"gre\"\n";
        for rest in [
            "local.endpoint = \"192.0.2.1\"\n",
            "[local.x]\n",
            "[[local]]\n",
            "mtu = 1.5\n",
            "mtu = 1979-05-27\n",
            "name = \"again\"\n",
            "[local]\n[local]\n",
            "[remote]\nport = 1\nport = 2\n",
            "[name]\n",
            "[remote]\nroutes = [{ to = \"192.0.2.0/24\", to = \"198.51.100.0/24\" }]\n",
            "[remote]\nroutes = [{ to.x = \"192.0.2.0/24\" }]\n",
            "description = \"\\q\"\n",
            "mtu = 99999999999999999999999999999999999999999\n",
            "= 1\n",
        ] {
            let text = format!("{base}{rest}");
            assert!(direct::deserialize::<RawPeer>(&text).is_none(), "{text}");
            assert!(agrees_with_toml::<RawPeer>(&text).is_ok(), "{text}");
        }
    }
}
