//! Keys other tools take (wg-quick, `ip tunnel`) that peergen does not: a table the file
//! shapes ([`super::shape`]) carry and the unknown-key help ([`super::keys`]) reads.

/// A key other tools take (wg-quick, `ip tunnel`) that peergen does not: it cannot be a
/// typo, so "check the spelling" would mislead.
#[derive(Debug)]
pub(crate) struct Unsupported {
    /// The key, normalized (lower case, `-`).
    pub key: &'static str,
    /// Why peergen has no such key and what to do instead.
    pub help: &'static str,
}

/// wg-quick's `[Interface]` keys and `ip tunnel`'s options that peer files do not take.
pub(crate) const PEER_UNSUPPORTED: &[Unsupported] = &[
    Unsupported {
        key: "fwmark",
        help: "peergen does not set a firewall mark on tunnels; remove the key, and set the mark where your policy routing is configured",
    },
    Unsupported {
        key: "listen-port",
        help: "the UDP port an end listens on is `port` in [local] (this host) or [remote] (the other host), e.g. port = 51820",
    },
    Unsupported {
        key: "table",
        help: "peergen sets wg-quick's Table itself, so that a tunnel installs only the routes its peer file asks for (docs/peer-file.md); remove the key",
    },
    Unsupported {
        key: "dns",
        help: "peergen does not configure name servers on tunnels; remove the key, and set resolvers in the host's own network configuration",
    },
    Unsupported {
        key: "save-config",
        help: "the rendered files are the configuration, and wg-quick's SaveConfig would overwrite them; remove the key",
    },
    Unsupported {
        key: "pre-up",
        help: HOOK,
    },
    Unsupported {
        key: "post-up",
        help: HOOK,
    },
    Unsupported {
        key: "pre-down",
        help: HOOK,
    },
    Unsupported {
        key: "post-down",
        help: HOOK,
    },
    Unsupported {
        key: "ikey",
        help: ONE_GRE_KEY,
    },
    Unsupported {
        key: "okey",
        help: ONE_GRE_KEY,
    },
    Unsupported {
        key: "preshared-key",
        help: "peergen never writes a preshared key into a peer file: store it with `peergen genpsk --out FILE` and set preshared-key-file = \"FILE\" in [wireguard]",
    },
];

const HOOK: &str = "peergen does not render commands to run around the interface; remove the key, and run the command from a systemd unit ordered after the interface";
const ONE_GRE_KEY: &str = "peergen uses one GRE key in both directions: set `key` in the options table of the kind (e.g. [gre] key = 42); separate input and output keys are not supported";
