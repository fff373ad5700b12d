//! The command line, as clap definitions. Help texts are the first documentation users
//! read, so they say what each command does and what it never does.

use camino::Utf8PathBuf;
use clap::{Parser, Subcommand};

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
    /// Validate peer files and report every problem, with file, line, column and a fix.
    ///
    /// Nothing is written. Exits 65 when any file is invalid; warnings alone exit 0.
    Check {
        /// Peer files to validate.
        #[arg(required = true, value_name = "PEER")]
        peers: Vec<Utf8PathBuf>,
    },
    /// Print each peer's tunnel MTU and how it was computed.
    Mtu {
        /// Peer files.
        #[arg(required = true, value_name = "PEER")]
        peers: Vec<Utf8PathBuf>,
    },
    /// Generate a WireGuard private key (like `wg genkey`).
    ///
    /// With --out, the key is written to FILE with mode 0600 (never over an existing file
    /// unless --force) and the public key is printed. Without --out, the private key is
    /// printed on stdout, so `peergen keygen | peergen pubkey` works as with `wg`.
    Keygen {
        /// Write the private key to this file (mode 0600) and print the public key.
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
        /// Write the preshared key to this file (mode 0600).
        #[arg(long, short, value_name = "FILE")]
        out: Option<Utf8PathBuf>,
        /// Replace FILE if it exists.
        #[arg(long, requires = "out")]
        force: bool,
    },
}
