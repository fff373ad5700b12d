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
/// 66 input unreadable, 69 `status` cannot inspect the host, 73 output exists or cannot be
/// created, 74 write failed; `status` exits 1 when the host differs from the peer files.
#[derive(Debug, Parser)]
#[command(
    name = "peergen",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Args {
    /// Print every file (written, unchanged, removed, up to date) and every warning.
    /// Without it, runs over many peers print the files that changed and a summary, and a
    /// warning repeated across many files is shown three times and then counted.
    #[arg(long, short, global = true)]
    pub verbose: bool,
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
    ///
    /// Writing prints `wrote PATH` for each file that changed, a warning for files of
    /// removed peers, and one line `N written, M unchanged, K removed in DIR`; files that
    /// were already right are not listed (-v lists them as `unchanged PATH`). --check
    /// prints only what differs and one summary line (-v adds `ok: PATH` for each file
    /// that matches). Errors are always printed in full.
    Render(RenderArgs),
    /// Validate peer files and report every problem, with file, line, column and a fix.
    ///
    /// Nothing is written. Exits 65 when any file is invalid; warnings alone exit 0.
    Check {
        /// Peer files, or folders of them (every *.toml below, except peergen.toml and files
        /// the site file's `[peers]` table leaves out).
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
    /// Compare the live host with what peer files define for this end (read-only).
    ///
    /// Reads the host with `ip -j` and `wg show … dump` and prints one line per peer
    /// (`ok`, `DIFF` or `DOWN`), then per difference what the peer file defines and where,
    /// what the host has, and the command that fixes it. Checks the link (kind, up, MTU,
    /// endpoints, TTL, GRE key, encapsulation limit, VNI and port, addresses, bridge),
    /// WireGuard (the loaded private key, listen port, the peer, its endpoint, allowed
    /// IPs, keepalive, preshared key, handshake age), the underlay (the route to the
    /// other end not through the tunnel, rp_filter not strict) and the peer file's
    /// routes. Reading WireGuard's keys needs root. See docs/status.md.
    ///
    /// Exit codes: 0 everything matches, 1 something differs, 69 the host could not be
    /// inspected (a tool missing, not root, a command failed), and 2, 65, 66 as for the
    /// other commands.
    Status(StatusArgs),
    /// Write the folder to send the other operator of a peering: README, their files, their
    /// peer file.
    ///
    /// The README says who is peering, the tunnel's kind, MTU (and why), endpoints,
    /// addresses, WireGuard keys, the BGP session, how to install each backend's files and
    /// how to verify. files/BACKEND/ holds their files for every backend that applies to
    /// the kind, exactly as `render --side remote` renders them; NAME.toml is the peering
    /// seen from their side. No secret of ours is ever in it: the BGP password and a
    /// preshared key are "sent separately". Writes only into a new or empty folder, or over
    /// an earlier handoff of the same peer (marked by .peergen-handoff). Without --out,
    /// prints the README. See docs/handoff.md.
    Handoff(HandoffArgs),
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
    /// kinds when several backends are given), networkd, netplan, ip, bird, frr (BGP
    /// session of peers with [bgp]; peers without it are skipped when anything else
    /// renders). Default: `backends` in the site file's [render] table.
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
    /// Peer files, or folders of them (every *.toml below, except peergen.toml and files
    /// the site file's `[peers]` table leaves out).
    #[arg(required = true, value_name = "PEER")]
    pub peers: Vec<Utf8PathBuf>,
}

/// `peergen handoff` options.
#[derive(Debug, clap::Args)]
pub struct HandoffArgs {
    /// Write the handoff folder into DIR (created if needed) instead of printing the
    /// README; `-` prints it.
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<Utf8PathBuf>,
    /// Site file with shared defaults (default: the nearest peergen.toml above the peer
    /// file).
    #[arg(long, value_name = "FILE")]
    pub config: Option<Utf8PathBuf>,
    /// The peer file of the peering.
    #[arg(value_name = "PEER")]
    pub peer: Utf8PathBuf,
}

/// `peergen status` options.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Which end this host is: local ([local] in the peer file) or remote. Default: the
    /// site file's `side`, else local.
    #[arg(long, value_parser = side())]
    pub side: Option<Side>,
    /// Print one JSON document (format in docs/status.md) instead of text.
    #[arg(long)]
    pub json: bool,
    /// A WireGuard peer this end dials with no handshake for longer than this is
    /// reported (WireGuard renews its session every 120 s while the tunnel is in use).
    #[arg(long, value_name = "SECONDS", default_value_t = peergen_core::status::Options::DEFAULT_HANDSHAKE_MAX_AGE)]
    pub handshake_max_age: u64,
    /// Do not ask the BGP daemons: skip the session checks of peers with a [bgp] table
    /// (for a host where BGP runs elsewhere, or not yet).
    #[arg(long)]
    pub no_bgp: bool,
    /// BIRD's control socket (birdc -s).
    #[arg(long, value_name = "PATH", default_value = peergen_core::status::gather::BgpSockets::DEFAULT_BIRD)]
    pub bird_socket: String,
    /// The folder of FRR's vty sockets (vtysh --vty_socket). Default: vtysh's own.
    #[arg(long, value_name = "DIR")]
    pub frr_vty_socket: Option<String>,
    /// Site file with shared defaults (default: the nearest peergen.toml above the peer
    /// files).
    #[arg(long, value_name = "FILE")]
    pub config: Option<Utf8PathBuf>,
    /// Read recorded command outputs from DIR instead of the live host (a test hook;
    /// docs/testing.md).
    #[arg(long, value_name = "DIR", hide = true)]
    pub host_state: Option<Utf8PathBuf>,
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
