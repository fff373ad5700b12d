#!/usr/bin/env python3
"""Generate synthetic, valid peergen peer files and the equivalent netplan YAML.

Deterministic: the same arguments always produce the same bytes (keys come from a seeded
PRNG; any 32 bytes are a valid WireGuard public key).

    bench/gen-peers.py --out DIR --gre 1000 --wireguard 1000 [--seed 42] [--netplan] [--bgp]

writes
    DIR/peers/gre00000.toml ...  DIR/peers/wg00000.toml ...   (peergen input)
    DIR/peers.list                                             (one path per line, sorted)
    DIR/peers-wireguard.list, DIR/peers-other.list             (the same, split by kind)
    DIR/netplan-root/etc/netplan/10-NAME.yaml (mode 0600)      (with --netplan)

Addressing (all unique per peer, from documentation and private ranges):
    local underlay endpoint  198.51.100.10 (one host, many tunnels; RFC 5737)
    remote underlay endpoint 10.64.0.0 + i (RFC 1918)
    tunnel IPv4              172.16.0.0/12 carved into /31s (RFC 1918)
    tunnel IPv6              fd42:0:HI:LO::1/64 and ::2/64 (ULA)
    WireGuard ports          local 20000 + j, remote 40000 + j
With --bgp every peer also gets a BGP session (the bird and frr backends render it):
    local ASN 64496 announcing 198.51.100.0/24 and 2001:db8:100::/40 (documentation),
    remote ASN 4200000000 + i (private) announcing 10.128.0.0/9 carved into /24s and
    fd43:i::/48 (private), and an empty [bgp] table (every key has a default).
Only the standard library is used.
"""

import argparse
import base64
import ipaddress
import os
import random
import sys

LOCAL_ENDPOINT = "198.51.100.10"
REMOTE_BASE = int(ipaddress.IPv4Address("10.64.0.0"))
TRANSFER_BASE = int(ipaddress.IPv4Address("172.16.0.0"))
# peergen computes these when mtu is omitted (IPv4 underlay, underlay MTU 1500); the
# netplan YAML states them explicitly, as peergen's own netplan output does.
MTU_GRE = 1476  # 1500 - 20 (IPv4) - 4 (GRE)
MTU_WG = 1440  # 1500 - 20 (IPv4) - 8 (UDP) - 32 (WireGuard)
LOCAL_ASN = 64496  # documentation (RFC 5398)
LOCAL_ANNOUNCE = ["198.51.100.0/24", "2001:db8:100::/40"]
REMOTE_ASN_BASE = 4200000000  # private 32-bit (RFC 6996)
REMOTE_ANNOUNCE_BASE = int(ipaddress.IPv4Address("10.128.0.0"))


def addresses(i):
    v4 = TRANSFER_BASE + 2 * i
    if v4 >= TRANSFER_BASE + (1 << 20):
        sys.exit("too many peers for 172.16.0.0/12")
    local4 = f"{ipaddress.IPv4Address(v4)}/31"
    remote4 = f"{ipaddress.IPv4Address(v4 + 1)}/31"
    hi, lo = i >> 16, i & 0xFFFF
    local6 = f"fd42:0:{hi:x}:{lo:x}::1/64"
    remote6 = f"fd42:0:{hi:x}:{lo:x}::2/64"
    remote_ep = str(ipaddress.IPv4Address(REMOTE_BASE + i))
    return local4, remote4, local6, remote6, remote_ep


def key(rng):
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode()


def toml_list(items):
    return "[" + ", ".join(f'"{x}"' for x in items) + "]"


def bgp_keys(i):
    """The [local]/[remote] BGP keys and the [bgp] table, or empty strings."""
    remote4 = ipaddress.IPv4Address(REMOTE_ANNOUNCE_BASE + 256 * i)
    if int(remote4) >= REMOTE_ANNOUNCE_BASE + (1 << 23):
        sys.exit("too many peers for 10.128.0.0/9 in /24s")
    local = f"""asn = {LOCAL_ASN}
announce = {toml_list(LOCAL_ANNOUNCE)}
"""
    remote = f"""asn = {REMOTE_ASN_BASE + i}
announce = {toml_list([f"{remote4}/24", f"fd43:{i:x}::/48"])}
"""
    return local, remote, "\n[bgp]\n"


def gre_peer(name, i, bgp):
    l4, r4, l6, r6, rep = addresses(i)
    bl, br, bt = bgp_keys(i) if bgp else ("", "", "")
    toml = f"""# Synthetic GRE peer for peergen's benchmark (bench/gen-peers.py).
name = "{name}"
kind = "gre"
description = "bench GRE peer {i}"

[local]
endpoint = "{LOCAL_ENDPOINT}"
addresses = {toml_list([l4, l6])}
{bl}
[remote]
endpoint = "{rep}"
addresses = {toml_list([r4, r6])}
{br}
[gre]
ttl = 255
{bt}"""
    yaml = f"""network:
  version: 2
  tunnels:
    {name}:
      mode: gre
      local: {LOCAL_ENDPOINT}
      remote: {rep}
      ttl: 255
      mtu: {MTU_GRE}
      addresses:
        - {l4}
        - "{l6}"
"""
    return toml, yaml


def wg_peer(name, i, j, rng, bgp):
    l4, r4, l6, r6, rep = addresses(i)
    bl, br, bt = bgp_keys(i) if bgp else ("", "", "")
    local_pub, remote_pub = key(rng), key(rng)
    lport, rport = 20000 + j, 40000 + j
    toml = f"""# Synthetic WireGuard peer for peergen's benchmark (bench/gen-peers.py).
name = "{name}"
kind = "wireguard"
description = "bench WireGuard peer {i}"

[local]
endpoint = "{LOCAL_ENDPOINT}"
port = {lport}
addresses = {toml_list([l4, l6])}
private-key-file = "/etc/wireguard/{name}.key"
public-key = "{local_pub}"
{bl}
[remote]
endpoint = "{rep}"
port = {rport}
addresses = {toml_list([r4, r6])}
public-key = "{remote_pub}"
{br}
[wireguard]
persistent-keepalive = 25
allowed-ips = ["0.0.0.0/0", "::/0"]
{bt}"""
    yaml = f"""network:
  version: 2
  tunnels:
    {name}:
      mode: wireguard
      key: /etc/wireguard/{name}.key
      port: {lport}
      mtu: {MTU_WG}
      addresses:
        - {l4}
        - "{l6}"
      peers:
        - keys:
            public: "{remote_pub}"
          allowed-ips:
            - 0.0.0.0/0
            - "::/0"
          endpoint: "{rep}:{rport}"
          keepalive: 25
"""
    return toml, yaml


def write(path, text, mode=0o644):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--gre", type=int, default=1000, help="number of GRE peers")
    ap.add_argument("--wireguard", type=int, default=1000, help="number of WireGuard peers")
    ap.add_argument("--seed", type=int, default=42, help="PRNG seed for the keys")
    ap.add_argument("--netplan", action="store_true", help="also write netplan YAML")
    ap.add_argument("--bgp", action="store_true", help="give every peer a BGP session")
    args = ap.parse_args()
    if max(args.gre, args.wireguard) > 100_000:
        sys.exit("at most 100000 peers of each kind (names are 5 digits)")
    if args.wireguard > 20_000:
        sys.exit("at most 20000 WireGuard peers (ports 20000-39999)")

    rng = random.Random(args.seed)
    peers_dir = os.path.join(args.out, "peers")
    netplan_dir = os.path.join(args.out, "netplan-root", "etc", "netplan")
    os.makedirs(peers_dir, exist_ok=True)
    if args.netplan:
        os.makedirs(netplan_dir, exist_ok=True)
        os.chmod(netplan_dir, 0o755)

    wg_paths, other_paths = [], []
    i = 0
    for j in range(args.gre):
        name = f"gre{j:05d}"
        toml, yaml = gre_peer(name, i, args.bgp)
        path = os.path.join(peers_dir, f"{name}.toml")
        write(path, toml)
        other_paths.append(path)
        if args.netplan:
            write(os.path.join(netplan_dir, f"10-{name}.yaml"), yaml, 0o600)
        i += 1
    for j in range(args.wireguard):
        name = f"wg{j:05d}"
        toml, yaml = wg_peer(name, i, j, rng, args.bgp)
        path = os.path.join(peers_dir, f"{name}.toml")
        write(path, toml)
        wg_paths.append(path)
        if args.netplan:
            write(os.path.join(netplan_dir, f"10-{name}.yaml"), yaml, 0o600)
        i += 1

    for fname, paths in (
        ("peers.list", sorted(wg_paths + other_paths)),
        ("peers-wireguard.list", wg_paths),
        ("peers-other.list", other_paths),
    ):
        write(os.path.join(args.out, fname), "".join(p + "\n" for p in paths))
    print(
        f"generated {args.gre} GRE + {args.wireguard} WireGuard peers in {peers_dir}"
        + (f" and netplan YAML in {netplan_dir}" if args.netplan else ""),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
