//! `peergen init`: a commented starter peer file for one tunnel kind.
//!
//! The file names every key the kind takes, with what it is and its default; optional
//! keys are commented out. Every value the user must supply (endpoints, addresses, public
//! keys, the VNI) is a placeholder marked `# REPLACE`: it shows the value's format, and
//! `peergen check` reports it until it is replaced and the marker deleted, so a starter
//! file never renders into configuration that looks right and connects nothing. Apart from
//! the placeholders the file is valid. Nothing in it can be mistaken for real data either:
//! addresses come from the documentation ranges (RFC 5737, RFC 3849) and WireGuard public
//! keys are valid base64 that reads "REPLACE…". No private key is ever generated or written
//! here.
//!
//! The text comes from `templates/init/peer.toml.j2`; its context
//! (`peergen_render::context::init`) takes the keys each kind has and every range and
//! default from the core, so the file says what validation applies.

use camino::Utf8Path;
use peergen_core::{validate, SourceFile, TunnelKind};
use peergen_render::context::init::{InitContext, Stage};

use crate::args::InitArgs;
use crate::exit::Exit;
use crate::present;
use crate::write::create_requested;

/// Peer files hold no secret (keys are referenced by path).
const PEER_FILE_MODE: u32 = 0o644;

/// Runs the command.
pub fn run(args: &InitArgs) -> Exit {
    let kind = args.kind;
    let text = match starter_file(&args.name, kind) {
        Ok(text) => text,
        Err(exit) => return exit,
    };
    // `--out -` means stdout, as everywhere in peergen.
    let Some(path) = args.out.as_ref().filter(|path| path.as_str() != "-") else {
        crate::out!("{text}");
        return Exit::Ok;
    };
    match write_peer_file(path, &text, args.force) {
        Ok(()) => {
            eprintln!(
                "note: wrote {path}; replace the values marked \"# REPLACE\" and delete the markers: `peergen check {path}` lists the ones left"
            );
            Exit::Ok
        }
        Err(exit) => exit,
    }
}

fn write_peer_file(path: &Utf8Path, text: &str, force: bool) -> Result<(), Exit> {
    create_requested(
        path,
        text.as_bytes(),
        PEER_FILE_MODE,
        force,
        "the peer file",
        "",
    )
}

/// The starter file: a name the kernel reserves (`gre0`, …) is refused here with the same
/// message `peergen check` would give.
fn starter_file(name: &str, kind: TunnelKind) -> Result<String, Exit> {
    // The MTU comment shows the computed value, so validate once to learn it, with the
    // placeholders unmarked (the check would refuse them).
    let draft = render(&InitContext::new(name, kind, Stage::Draft, None))?;
    let validated = validate(&SourceFile::new("(peergen init)", draft)).map_err(|invalid| {
        for d in invalid.diagnostics.iter().filter(|d| d.is_error()) {
            let help = d
                .help
                .as_deref()
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            present::error(&format!("{name}: {}{help}", d.message));
        }
        Exit::Usage
    })?;
    render(&InitContext::new(
        name,
        kind,
        Stage::File,
        Some(&validated.peer.mtu),
    ))
}

/// The file text from the embedded template. The name is the only input: the template
/// refuses one it cannot write (a line break would end a comment), a usage error.
fn render(context: &InitContext) -> Result<String, Exit> {
    context.render().map_err(|err| {
        present::error(&err.to_string());
        Exit::Usage
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many values of each kind's starter file are placeholders: both endpoints, both
    /// ends' addresses unless optional (layer 2), both public keys, the VNI.
    fn placeholder_count(kind: TunnelKind) -> usize {
        match kind {
            TunnelKind::Wireguard => 6,
            TunnelKind::Gre | TunnelKind::Sit | TunnelKind::Ip6Gre => 4,
            TunnelKind::Gretap | TunnelKind::Ip6Gretap => 2,
            TunnelKind::Vxlan => 3,
        }
    }

    #[test]
    fn the_only_errors_of_every_starter_file_are_its_placeholders() {
        for kind in TunnelKind::ALL {
            let text = starter_file("peer0", kind).unwrap();
            let invalid = validate(&SourceFile::new("init.toml", text)).unwrap_err();
            let kinds: Vec<_> = invalid.diagnostics.iter().map(|d| d.kind).collect();
            assert_eq!(
                kinds,
                vec![peergen_core::DiagnosticKind::Placeholder; placeholder_count(kind)],
                "{kind}: {:?}",
                invalid.diagnostics
            );
        }
    }

    #[test]
    fn every_draft_validates_without_warnings() {
        for kind in TunnelKind::ALL {
            let text = render(&InitContext::new("peer0", kind, Stage::Draft, None)).unwrap();
            let validated = validate(&SourceFile::new("init.toml", text)).unwrap();
            assert!(
                validated.warnings.is_empty(),
                "{kind}: {:?}",
                validated.warnings
            );
        }
    }
}
