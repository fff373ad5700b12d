//! Where rendered files go: stdout, a directory, or a comparison with a directory.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;

use camino::Utf8Path;
use peergen_render::RenderedFile;

use crate::exit::Exit;
use crate::write::{write_atomic, Overwrite};

/// Prints each file after a `==> PATH (mode 0644) <==` line.
pub fn print(files: &[RenderedFile]) -> Exit {
    let mut out = std::io::stdout().lock();
    for (i, file) in files.iter().enumerate() {
        let sep = if i == 0 { "" } else { "\n" };
        let result = write!(
            out,
            "{sep}==> {} (mode {:04o}) <==\n{}",
            file.path, file.mode, file.contents
        );
        if result.is_err() {
            // A closed pipe (`| head`) is not an error worth a message.
            return Exit::IoError;
        }
    }
    Exit::Ok
}

/// Writes every file under `dir`, creating folders; each file is replaced atomically.
pub fn write(dir: &Utf8Path, files: &[RenderedFile]) -> Exit {
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            if let Err(err) = std::fs::create_dir_all(parent) {
                eprintln!("error: cannot create {parent}: {err}");
                return Exit::CantCreate;
            }
        }
        if let Err(err) = write_atomic(
            path.as_std_path(),
            file.contents.as_bytes(),
            file.mode,
            Overwrite::Replace,
        ) {
            eprintln!("error: cannot write {path}: {err}");
            return Exit::IoError;
        }
        println!("wrote {path}");
    }
    Exit::Ok
}

/// Compares each file with what is in `dir`; prints a unified diff per stale file.
pub fn check(dir: &Utf8Path, files: &[RenderedFile]) -> Exit {
    let mut stale = 0usize;
    for file in files {
        let path = dir.join(&file.path);
        let (current, mode) = match std::fs::read(&path) {
            Ok(bytes) => {
                let mode = std::fs::metadata(&path)
                    .map(|m| m.permissions().mode() & 0o7777)
                    .unwrap_or(0);
                (Some(String::from_utf8_lossy(&bytes).into_owned()), mode)
            }
            Err(_) => (None, 0),
        };
        match current {
            None => {
                stale += 1;
                println!("missing: {path}");
                print_diff("/dev/null", path.as_str(), "", &file.contents);
            }
            Some(current) if current != file.contents => {
                stale += 1;
                println!("stale: {path}");
                print_diff(path.as_str(), path.as_str(), &current, &file.contents);
            }
            Some(_) if mode != file.mode => {
                stale += 1;
                println!("mode: {path} is {mode:04o}, should be {:04o}", file.mode);
            }
            Some(_) => {}
        }
    }
    if stale == 0 {
        println!("up to date: {} files in {dir}", files.len());
        Exit::Ok
    } else {
        eprintln!("{stale} of {} files differ from what peergen renders; run without --check to update them", files.len());
        Exit::Drift
    }
}

fn print_diff(old_name: &str, new_name: &str, old: &str, new: &str) {
    let diff = similar::TextDiff::from_lines(old, new);
    print!(
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("a/{old_name}"), &format!("b/{new_name}"))
    );
}
