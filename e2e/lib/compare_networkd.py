#!/usr/bin/env python3
"""Compares the networkd files netplan generates from peergen's YAML with peergen's own
networkd files for the same peer and side, key by key.

Both describe one tunnel, so every setting that changes the device or its addresses must
agree: kind, endpoints, GRE keys, TTL, MTU, VXLAN VNI and port, WireGuard keys, port,
peer, allowed IPs and endpoint, addresses, routes, RA handling, Independent. Differences
that do not change the result are normalised, each for a stated reason:

- netplan writes `Key=K` as `InputKey=K` + `OutputKey=K` (the same key both ways);
- booleans: `true` and `yes` are one value to systemd;
- `AllowedIPs=a,b` and one `AllowedIPs=` line per prefix are one list;
- netplan repeats the MTU as `[Link] MTUBytes=`: it must equal `[NetDev] MTUBytes=`;
- netplan adds `LinkLocalAddressing=ipv6` (networkd's default for these links) and
  `ConfigureWithoutCarrier=yes` (tunnels have carrier once up);
- peergen adds `Description=` (free text, not a setting of the link);
- netplan writes `Scope=link` on IPv6 routes too, which networkd ignores (with a warning);
- netplan has no peer addressing: for a point-to-point address peergen's YAML gives the
  plain address and an on-link route to the other end's address, so netplan's
  `[Network] Address=A` + `[Route] Destination=B Scope=link` stand for peergen's
  `[Address] Address=A Peer=B` (the kernel adds that route for a peer: same reachability
  and source address, checked with `ip` on both forms; docs/testing.md);
- a bridge the tunnel joins is the host's: the test root holds the host's own YAML
  defining it with the end's test addresses (as a real host must, prepare_cases.py), so
  netplan writes a `.netdev` and `.network` for it, while peergen writes nothing for it;
  files of a device named in a `Bridge=` line are not compared.

Usage: compare_networkd.py NETPLAN_DIR PEERGEN_DIR; prints the differences and exits 1 if
any remain.
"""

import pathlib
import sys

REPEATED = {"Address", "Route", "WireGuardPeer"}
BOOLEANS = {"yes": "yes", "true": "yes", "on": "yes", "1": "yes",
            "no": "no", "false": "no", "off": "no", "0": "no"}
BOOLEAN_KEYS = {"Independent", "IPv6AcceptRA", "ConfigureWithoutCarrier"}


def sections(path):
    """[(section, [(key, value)])] of a systemd unit-style file."""
    out = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            out.append((line[1:-1], []))
        elif "=" in line and out:
            key, value = line.split("=", 1)
            out[-1][1].append((key.strip(), value.strip()))
    return out


def normalise(key, value):
    if key in BOOLEAN_KEYS:
        return [(key, BOOLEANS.get(value.lower(), value))]
    if key == "Key":
        return [("InputKey", value), ("OutputKey", value)]
    if key == "AllowedIPs":
        return [(key, v.strip()) for v in value.split(",") if v.strip()]
    return [(key, value)]


def point_to_point(section, pairs):
    """An `[Address]` with exactly `Address=A` and `Peer=B` as netplan writes it: the plain
    address and an on-link route to the peer."""
    if section != "Address" or sorted(k for k, _ in pairs) != ["Address", "Peer"]:
        return None
    values = dict(pairs)
    return [("Network", [("Address", values["Address"])]),
            ("Route", [("Destination", values["Peer"]), ("Scope", "link")])]


def bridges(files):
    """Names in `Bridge=` lines: the host's bridges the tunnel joins."""
    return {v for path in files for _, pairs in sections(path)
            for k, v in pairs if k == "Bridge"}


def names(path):
    """The device a file is about: `[NetDev] Name=` or `[Match] Name=`."""
    return {v for section, pairs in sections(path) if section in ("NetDev", "Match")
            for k, v in pairs if k == "Name"}


def entries(folder):
    """A sorted multiset of comparable entries for every .netdev and .network file."""
    found, notes = [], []
    mtu = {}
    files = sorted(pathlib.Path(folder).glob("*.net*"))
    joined = bridges(files)
    for path in files:
        if names(path) & joined:
            continue
        expanded = []
        for section, pairs in sections(path):
            expanded.extend(point_to_point(section, pairs) or [(section, pairs)])
        for section, pairs in expanded:
            items = [kv for k, v in pairs for kv in normalise(k, v)]
            kept = []
            for key, value in items:
                if (section, key) == ("NetDev", "Description"):
                    continue
                if (section, key) == ("Link", "MTUBytes"):
                    mtu["link"] = value
                    continue
                if (section, key) == ("NetDev", "MTUBytes"):
                    mtu["netdev"] = value
                if (section, key) == ("Network", "LinkLocalAddressing") and value == "ipv6":
                    continue
                if (section, key) == ("Network", "ConfigureWithoutCarrier") and value == "yes":
                    continue
                kept.append((key, value))
            if section == "Route" and any(k == "Destination" and ":" in v for k, v in kept):
                kept = [(k, v) for k, v in kept if (k, v) != ("Scope", "link")]
            if section in REPEATED:
                # One entry per section: its settings belong together.
                found.append(f"[{section}] " + " ".join(f"{k}={v}" for k, v in sorted(kept)))
            else:
                found.extend(f"[{section}] {k}={v}" for k, v in kept)
    if "link" in mtu and mtu["link"] != mtu.get("netdev"):
        notes.append(f"[Link] MTUBytes={mtu['link']} differs from [NetDev] MTUBytes={mtu.get('netdev')}")
    return sorted(found), notes


def main():
    netplan, peergen = sys.argv[1], sys.argv[2]
    a, notes_a = entries(netplan)
    b, notes_b = entries(peergen)
    if not a or not b:
        print(f"nothing to compare (netplan: {len(a)} settings, peergen: {len(b)})")
        return 1
    only_netplan = [e for e in a if e not in b]
    only_peergen = [e for e in b if e not in a]
    problems = notes_a + notes_b
    problems += [f"only netplan: {e}" for e in only_netplan]
    problems += [f"only peergen: {e}" for e in only_peergen]
    if problems:
        print("; ".join(problems))
        return 1
    print(f"{len(a)} settings agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
