//! `peergen man`: man pages generated from the clap definitions, so they say what
//! `--help` says: peergen(1) and one page per subcommand (peergen-render(1), …).

use std::io;

use camino::Utf8Path;
use clap::CommandFactory as _;
use clap_mangen::Man;

use crate::args::Args;
use crate::exit::Exit;
use crate::present;
use crate::write::{write_atomic, Durability, Overwrite};

/// Man pages are documentation: readable by everyone.
const MAN_MODE: u32 = 0o644;

/// Prints peergen(1), or writes every page into `out`.
pub fn run(out: Option<&Utf8Path>) -> Exit {
    let pages = match pages() {
        Ok(pages) => pages,
        Err(err) => {
            present::error(&format!("cannot generate the man pages: {err}"));
            return Exit::IoError;
        }
    };
    // `-` means stdout, as for every other --out.
    let Some(dir) = out.filter(|dir| dir.as_str() != "-") else {
        // The first page is peergen(1).
        if let Some((_, page)) = pages.first() {
            crate::out!("{}", String::from_utf8_lossy(page));
        }
        return Exit::Ok;
    };
    if let Err(err) = std::fs::create_dir_all(dir) {
        present::error(&format!("{dir}: cannot create the folder: {err}"));
        return Exit::CantCreate;
    }
    for (name, page) in &pages {
        let path = dir.join(name);
        if let Err(err) = write_atomic(
            path.as_std_path(),
            page,
            MAN_MODE,
            Overwrite::Replace,
            Durability::Atomic,
        ) {
            present::error(&format!("{path}: cannot write the man page: {err}"));
            return Exit::CantCreate;
        }
        crate::outln!("{path}");
    }
    Exit::Ok
}

/// Every page as (file name, roff text): peergen.1 first, then one per subcommand.
fn pages() -> io::Result<Vec<(String, Vec<u8>)>> {
    // Built as clap_mangen::generate_to does, so subcommands are named `peergen-render`.
    let mut cmd = Args::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    for command in std::iter::once(&cmd).chain(cmd.get_subcommands()) {
        if command.is_hide_set() {
            continue;
        }
        let man = Man::new(command.clone());
        let mut page = Vec::new();
        man.render(&mut page)?;
        pages.push((man.get_filename(), page));
    }
    Ok(pages)
}
