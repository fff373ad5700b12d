//! The command line, as clap definitions. Help texts are the first documentation users
//! read, so they say what each command does and what it never does.

use std::str::FromStr;

use camino::Utf8PathBuf;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};
use peergen_core::{Backend, Side, TunnelKind};

/// Turn one tunnel peer definition into ready-to-install network configuration.
///
/// peergen reads small TOML peer files (one tunnel each: WireGuard, GRE, SIT, ip6gre,
/// GRETAP, ip6gretap or VXLAN) and renders wg-quick, systemd-networkd, netplan or `ip`
/// script files for either end. It also generates WireGuard keys.
///
/// Exit codes: 0 success, 1 `--check` found stale files, 2 usage error, 65 invalid input,
/// 66 input unreadable, 73 output exists or cannot be created, 74 write failed.
#[derive(Debug, Parser)]
#[command(
    name = "peergen",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render peer files into configuration for one or more backends.
    ///
    /// Every peer is validated first; if any is invalid, nothing is rendered or written.
    /// Without --out, files are printed to stdout, each after a `==> PATH (mode MODE) <==`
    /// line. With --out, they are written under DIR at their install paths (e.g.
    /// DIR/systemd/network/10-NAME.netdev), each atomically and with its mode.
    Render(RenderArgs),
    /// Validate peer files and report every problem, with file, line, column and a fix.
    ///
    /// Nothing is written. Exits 65 when any file is invalid; warnings alone exit 0.
    Check {
        /// Peer files, or folders of them (every *.toml below, except peergen.toml).
        #[arg(required = true, value_name = "PEER")]
        peers: Vec<Utf8PathBuf>,
        /// Site file with shared defaults (default: the nearest peergen.toml above the
        /// peer files).
        #[arg(long, value_name = "FILE")]
        config: Option<Utf8PathBuf>,
    },
    /// Print each peer's tunnel MTU and how it was computed.
    Mtu {
        /// Peer files, or folders of them.
        #[arg(required = true, value_name = "PEER")]
        peers: Vec<Utf8PathBuf>,
        /// Site file with shared defaults.
        #[arg(long, value_name = "FILE")]
        config: Option<Utf8PathBuf>,
    },
    /// Generate a WireGuard private key (like `wg genkey`).
    ///
    /// With --out, the key is written to FILE with mode 0600 (never over an existing file
    /// unless --force) and the public key is printed. Without --out, the private key is
    /// printed on stdout, so `peergen keygen | peergen pubkey` works as with `wg`.
    Keygen {
        /// Write the private key to this file (mode 0600) and print the public key; `-`
        /// prints the private key.
        #[arg(long, short, value_name = "FILE")]
        out: Option<Utf8PathBuf>,
        /// Replace FILE if it exists (the old key is lost).
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Read a private key on stdin and print its public key (like `wg pubkey`).
    Pubkey,
    /// Generate a WireGuard preshared key (like `wg genpsk`).
    ///
    /// With --out, written to FILE with mode 0600 (never over an existing file unless
    /// --force); otherwise printed on stdout.
    Genpsk {
        /// Write the preshared key to this file (mode 0600); `-` prints it.
        #[arg(long, short, value_name = "FILE")]
        out: Option<Utf8PathBuf>,
        /// Replace FILE if it exists.
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Write a commented starter peer file for one tunnel kind.
    ///
    /// Every key the kind takes is there with a comment saying what it is and its default;
    /// optional keys are commented out. The values to supply (endpoints, addresses, public
    /// keys, the VXLAN VNI) are placeholders marked "# REPLACE": documentation addresses
    /// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) and readable
    /// stand-in keys. `peergen check` reports each placeholder (error code `placeholder`)
    /// until the real value is in and the marker deleted; the rest of the file is valid as
    /// written. No private key is ever written. Without --out, the file is printed on
    /// stdout.
    Init(InitArgs),
    /// Print the JSON Schema of the peer file or the site file, for editors.
    ///
    /// The schema is derived from the same definitions the parser uses, so it lists
    /// exactly the keys peergen accepts, with their types, ranges, defaults and
    /// descriptions. Editors with a TOML language server (taplo, Even Better TOML) use it
    /// for completion, hover help and validation as you type; see docs/editors.md.
    Schema {
        /// Which file the schema describes.
        // Named after its values: clap's default, the field name in capitals, read as if
        // a file path were expected.
        #[arg(value_enum, value_name = "peer|site", default_value_t = SchemaKind::Peer)]
        file: SchemaKind,
    },
    /// Print a shell completion script for peergen.
    ///
    /// For example `peergen completions bash > ~/.local/share/bash-completion/completions/peergen`;
    /// docs/editors.md lists the install path for each shell.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Generate man pages from these help texts.
    ///
    /// Without --out, prints peergen(1) on stdout (try `peergen man | man -l -`). With
    /// --out, writes peergen.1 and one page per subcommand (peergen-render.1, …) into DIR,
    /// creating it if needed.
    Man {
        /// Write peergen.1 and a page per subcommand into this folder.
        #[arg(long, short, value_name = "DIR")]
        out: Option<Utf8PathBuf>,
    },
}

/// `peergen init` options.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The interface name, the same on both hosts: 1 to 15 characters of
    /// a-z A-Z 0-9 _ = + . -
    #[arg(value_name = "NAME", value_parser = interface_name)]
    pub name: String,
    /// The tunnel kind.
    #[arg(long, short, value_parser = kind())]
    pub kind: TunnelKind,
    /// Write the peer file to FILE (never over an existing file unless --force) instead
    /// of printing it; `-` prints it.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<Utf8PathBuf>,
    /// Replace FILE if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// Checks NAME on the command line with the peer file's interface name rule.
fn interface_name(name: &str) -> Result<String, String> {
    if peergen_core::validate::is_valid_interface_name(name) {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "an interface name is 1 to {} characters of a-z A-Z 0-9 _ = + . - (not \".\" or \"..\", and not starting with '-')",
            peergen_core::limits::INTERFACE_NAME_MAX_CHARS
        ))
    }
}

/// The files `peergen schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// A peer file (one tunnel).
    Peer,
    /// The site file, peergen.toml.
    Site,
}

/// `peergen render` options.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Output format(s), comma-separated: wg-quick (WireGuard only; skipped for other
    /// kinds when several backends are given), networkd, netplan, ip. Default: `backends`
    /// in the site file's [render] table.
    #[arg(long, short, value_parser = backend(), value_delimiter = ',')]
    pub backend: Vec<Backend>,
    /// Which end to render: local (this host) or remote (the peer's host, from the same
    /// file: their endpoint and addresses, our public key, their key path). Default:
    /// the site file's `side`, else local.
    #[arg(long, value_parser = side())]
    pub side: Option<Side>,
    /// Write files under DIR at their install paths instead of printing them; `-` prints.
    /// Default: the site file's `out`, else stdout.
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<Utf8PathBuf>,
    /// Compare with the files in DIR instead of writing; exit 1 with a unified diff for
    /// every stale, missing or extra file and a line per wrong mode.
    #[arg(long)]
    pub check: bool,
    /// Delete files in DIR that an earlier run rendered for peers that no longer exist
    /// (needs --out DIR or the site file's `out`).
    #[arg(long, conflicts_with = "check")]
    pub prune: bool,
    /// Let this run turn DIR into the folder of the other side: DIR holds files rendered
    /// for the other end (per its manifest), and rendering into it would overwrite them.
    /// Their files become files of removed peers (deleted with --prune).
    #[arg(long, conflicts_with = "check")]
    pub replace_side: bool,
    /// Load templates from DIR (same names as the built-in ones, e.g.
    /// DIR/networkd/tunnel.netdev.j2); built-in templates fill the gaps. Any other file
    /// in DIR is an error.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<Utf8PathBuf>,
    /// Site file with shared defaults (default: the nearest peergen.toml above the peer
    /// files).
    #[arg(long, value_name = "FILE")]
    pub config: Option<Utf8PathBuf>,
    /// Peer files, or folders of them (every *.toml below, except peergen.toml).
    #[arg(required = true, value_name = "PEER")]
    pub peers: Vec<Utf8PathBuf>,
}

/// A value parser for one of the core's named enums: exactly the names `values` lists
/// (so help, completions and "possible values" show them, each with its line of help),
/// parsed with the type's own `FromStr`. clap never sees a second copy of the vocabulary.
fn named<T>(
    values: impl IntoIterator<Item = (&'static str, &'static str)>,
) -> impl TypedValueParser<Value = T>
where
    T: FromStr + Clone + Send + Sync + 'static,
    T::Err: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    PossibleValuesParser::new(
        values
            .into_iter()
            .map(|(name, help)| PossibleValue::new(name).help(help)),
    )
    .try_map(|name| name.parse::<T>())
}

/// `--backend`: every [`Backend`].
fn backend() -> impl TypedValueParser<Value = Backend> {
    named(Backend::ALL.map(|b| (b.as_str(), b.summary())))
}

/// `--side`: local or remote.
fn side() -> impl TypedValueParser<Value = Side> {
    named([Side::Local, Side::Remote].map(|s| (s.as_str(), s.summary())))
}

/// `--kind`: every [`TunnelKind`].
fn kind() -> impl TypedValueParser<Value = TunnelKind> {
    named(TunnelKind::ALL.map(|k| (k.as_str(), k.summary())))
}
