//! Reads and validates peer files, printing every diagnostic, so that commands only ever
//! see valid peers.

use camino::Utf8PathBuf;
use peergen_core::{validate, Peer, SourceFile};

use crate::exit::Exit;

/// A peer file that validated.
pub struct Loaded {
    /// The validated peer (local side).
    pub peer: Peer,
}

/// Reads and validates every file; prints all errors and warnings to stderr. Returns the
/// peers only when all of them are valid, so a single bad file stops everything.
pub fn load_all(paths: &[Utf8PathBuf]) -> Result<Vec<Loaded>, Exit> {
    let mut loaded = Vec::new();
    let mut failure = None;
    for path in paths {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) => {
                eprintln!("error: {path}: cannot read peer file: {err}");
                failure = Some(failure.unwrap_or(Exit::NoInput));
                continue;
            }
        };
        let source = SourceFile::new(path.clone(), text);
        match validate(&source) {
            Ok(valid) => {
                for warning in &valid.warnings {
                    eprint!("{}", warning.render(&source));
                }
                loaded.push(Loaded { peer: valid.peer });
            }
            Err(invalid) => {
                for diagnostic in &invalid.diagnostics {
                    eprint!("{}", diagnostic.render(&source));
                }
                failure = Some(Exit::DataError);
            }
        }
    }
    match failure {
        Some(exit) => Err(exit),
        None => Ok(loaded),
    }
}
