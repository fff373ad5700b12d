#!/usr/bin/env python3
"""Turn fixtures/valid/*.toml into runnable e2e cases.

For every fixture this writes OUT/<fixture>/peer.toml (a test copy) and case.env (shell
variables the tier scripts source). The test copy differs from the fixture only where a
real tunnel needs it:

* WireGuard keys: each side gets a freshly generated key pair (`wg genkey | wg pubkey`);
  public-key and private-key-file are rewritten to them, and a preshared-key-file gets a
  fresh `wg genpsk`. An inline `private-key` is kept (that is what the fixture tests) and
  its public key is recomputed with `wg pubkey`.
* Nothing else: endpoints and addresses stay as in the fixture. The harness builds the
  underlay around them instead (each side's endpoint on its own veth end). A host name
  endpoint is resolved through /etc/hosts to HOSTNAME_IP (see case.env REMOTE_EP).

It also writes what the host around the tunnel provides and what the tier scripts check:

* An end in a bridge (`bridge = "BR"`): peergen renders only the tunnel's membership, the
  bridge is the host's. The host's own configuration of that bridge goes to
  host/SIDE/networkd/ (a Kind=bridge .netdev and a .network with the addresses) and
  host/SIDE/netplan/ (a YAML defining the bridge); the ip backend gets `ip link add BR type
  bridge` from the guest. The bridge carries the end's test addresses: the other end's
  subnet with a free host when the other end keeps addresses on its tunnel, else a test
  subnet of the harness (BRIDGE_V4, BRIDGE_V6).
* The routes each end must have through the tunnel (`routes`, with table and metric), and
  for WireGuard the other end's allowed IPs that must NOT be routed (allowed-ips install
  no routes).

usage: prepare_cases.py FIXTURE_DIR OUT_DIR KEY_DIR
"""
import ipaddress
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

# Where a host name endpoint resolves to inside the test namespaces (documentation range,
# not used by any fixture).
HOSTNAME_IP = "203.0.113.99"
# The local end when the fixture gives none (it dials out): the usual local underlay.
DEFAULT_LOCAL_V4 = "198.51.100.10"
# Test subnets for bridges when neither end has addresses (private ranges no fixture uses).
BRIDGE_V4 = ipaddress.ip_network("10.99.0.0/24")
BRIDGE_V6 = ipaddress.ip_network("fd00:99::/64")
# The kernel's metric when a route gives none: IPv4 0, IPv6 1024.
DEFAULT_METRIC = {4: 0, 6: 1024}
MAIN_TABLE = 254


def wg(*args, stdin=None):
    return subprocess.run(["wg", *args], input=stdin, capture_output=True, text=True,
                          check=True).stdout.strip()


def write_key(path: Path, value: str):
    path.write_text(value + "\n")
    # networkd reads key files after dropping to systemd-network (REFERENCE.md: 0640
    # root:systemd-network); wg and wg-quick run as root.
    os.chmod(path, 0o640)
    try:
        import grp
        os.chown(path, 0, grp.getgrnam("systemd-network").gr_gid)
    except (KeyError, PermissionError):
        pass


def rewrite_sections(text: str, edits: dict) -> str:
    """edits: {section: {key: value or None}}; replaces `key = ...` lines inside a section,
    and appends keys the section lacks right after its header. None deletes the key."""
    out, section, pending = [], None, {}

    def flush():
        for k, v in pending.items():
            if v is not None:
                out.append(f'{k} = "{v}"')
        pending.clear()

    for line in text.splitlines():
        m = re.match(r"^\s*\[([^\]]+)\]\s*$", line)
        if m:
            flush()
            section = m.group(1)
            out.append(line)
            pending.update(edits.get(section, {}))
            continue
        km = re.match(r"^\s*([A-Za-z0-9_-]+)\s*=", line)
        if km and km.group(1) in pending:
            value = pending.pop(km.group(1))
            if value is not None:
                out.append(f'{km.group(1)} = "{value}"')
            continue
        if not line.strip() and pending:
            flush()
        out.append(line)
    flush()
    return "\n".join(out) + "\n"


def family(ep):
    try:
        return "ipv6" if ipaddress.ip_address(ep).version == 6 else "ipv4"
    except ValueError:
        return "name"


LAYER2 = {"gretap", "ip6gretap", "vxlan"}


def ip_dest(net) -> str:
    """A destination as `ip route` prints it: `default`, a bare host, or ADDRESS/PREFIX."""
    net = ipaddress.ip_network(net, strict=False)
    if net.prefixlen == 0:
        return "default"
    if net.prefixlen == net.max_prefixlen:
        return str(net.network_address)
    return str(net)


def expected_routes(kind, me, them):
    """FAMILY,DEST,TABLE,METRIC,VIA per route of this end (docs/peer-file.md "Routes"):
    the kernel's metric when none is given (IPv6 turns 0 into 1024), the main table, and on
    layer 2 kinds the other end's first tunnel address of the family as the next hop."""
    out = []
    for route in me.get("routes", []):
        if isinstance(route, str):
            route = {"to": route}
        net = ipaddress.ip_network(route["to"])
        metric = route.get("metric", DEFAULT_METRIC[net.version])
        if net.version == 6 and metric == 0:
            metric = 1024
        via = "-"
        if kind in LAYER2:
            via = next(str(ipaddress.ip_interface(a).ip) for a in them.get("addresses", [])
                       if ipaddress.ip_interface(a).version == net.version)
        out.append(f"{net.version},{ip_dest(net)},{route.get('table', MAIN_TABLE)},{metric},{via}")
    return out


def other_routes(me, them):
    """FAMILY,DEST,TABLE of routes on the tunnel that are not `routes` but still belong: the
    subnet of an own address (the kernel's or networkd's prefix route) and, for a
    single-host address, the on-link route to the other end's address of that family
    (netplan's form of a point-to-point address)."""
    out = []
    for a in me.get("addresses", []):
        iface = ipaddress.ip_interface(a)
        out.append(f"{iface.version},{ip_dest(iface.network)},{MAIN_TABLE}")
        if iface.network.prefixlen == iface.max_prefixlen:
            for b in them.get("addresses", []):
                peer = ipaddress.ip_interface(b)
                if peer.version == iface.version and not peer.ip.is_link_local:
                    out.append(f"{peer.version},{ip_dest(peer.ip)},{MAIN_TABLE}")
    return out


def unrouted_allowed_ips(peer, me, them):
    """The other end's allowed IPs narrower than /0 that this end must NOT route: allowed
    IPs are a filter and install no routes; only `routes` (and an address's own subnet)
    route."""
    allowed = them.get("allowed-ips", peer.get("wireguard", {}).get("allowed-ips", []))
    routed = {ipaddress.ip_network(r if isinstance(r, str) else r["to"])
              for r in me.get("routes", [])}
    own = {ipaddress.ip_interface(a).network for a in me.get("addresses", [])}
    out = []
    for prefix in allowed:
        net = ipaddress.ip_network(prefix)
        if net.prefixlen > 0 and net not in routed and net not in own:
            out.append(f"{net.version},{ip_dest(net)}")
    return out


def bridge_addresses(local, remote):
    """Addresses for bridged ends, which have none in the fixture: the next host in each of
    the other end's subnets when it keeps addresses on its tunnel (a single host joining
    the segment), else .1/.2 (::1/::2) of the harness's test subnets."""
    out = {}
    for side, me, them in (("local", local, remote), ("remote", remote, local)):
        if not me.get("bridge"):
            continue
        if them.get("addresses") and not them.get("bridge"):
            addrs = []
            for a in them["addresses"]:
                iface = ipaddress.ip_interface(a)
                if iface.ip.is_link_local:
                    continue
                # the next address up (down at the top of the subnet): far from .1/.2,
                # which the underlay's router uses in 192.0.2.0/24
                net = iface.network
                mine = next(h for h in (iface.ip + 1, iface.ip - 1)
                            if h in net and h not in (net.network_address, net.broadcast_address))
                addrs.append(f"{mine}/{iface.network.prefixlen}")
            out[side] = addrs
        else:
            host = 1 if side == "local" else 2
            out[side] = [f"{net.network_address + host}/{net.prefixlen}"
                         for net in (BRIDGE_V4, BRIDGE_V6)]
    return out


def write_host_bridge(folder: Path, bridge, addrs):
    """The host's own configuration of a bridge the tunnel joins, as an operator writes it
    (docs/peer-file.md "Bridges"): a networkd .netdev + .network, and a netplan YAML that
    netplan merges with the tunnel's `bridges:` entry."""
    nd = folder / "networkd"
    nd.mkdir(parents=True, exist_ok=True)
    (nd / f"05-{bridge}.netdev").write_text(f"[NetDev]\nName={bridge}\nKind=bridge\n")
    (nd / f"05-{bridge}.network").write_text(
        f"[Match]\nName={bridge}\n\n[Network]\nConfigureWithoutCarrier=yes\n"
        + "".join(f"Address={a}\n" for a in addrs))
    np = folder / "netplan"
    np.mkdir(parents=True, exist_ok=True)
    (np / "05-host-bridge.yaml").write_text(
        "network:\n  version: 2\n  renderer: networkd\n  bridges:\n"
        f"    {bridge}:\n      addresses: [{', '.join(repr(a) for a in addrs)}]\n")


def prepare(fixture: Path, out_dir: Path, key_dir: Path):
    name = fixture.stem
    peer = tomllib.loads(fixture.read_text())
    text = fixture.read_text()
    case = out_dir / name
    case.mkdir(parents=True, exist_ok=True)
    local, remote = peer.get("local", {}), peer.get("remote", {})

    if peer["kind"] == "wireguard":
        edits = {"local": {}, "remote": {}}
        for side, table in (("local", local), ("remote", remote)):
            if "private-key" in table:
                edits[side]["public-key"] = wg("pubkey", stdin=table["private-key"] + "\n")
                continue
            priv = wg("genkey")
            path = key_dir / f"{name}.{side}.key"
            write_key(path, priv)
            edits[side]["private-key-file"] = str(path)
            edits[side]["public-key"] = wg("pubkey", stdin=priv + "\n")
        if "preshared-key-file" in peer.get("wireguard", {}):
            path = key_dir / f"{name}.psk"
            write_key(path, wg("genpsk"))
            edits["wireguard"] = {"preshared-key-file": str(path)}
        text = rewrite_sections(text, edits)
    (case / "peer.toml").write_text(text)

    remote_ep = remote.get("endpoint", "")
    remote_host = ""
    if remote_ep and family(remote_ep) == "name":
        remote_host, remote_ep = remote_ep, HOSTNAME_IP
    local_ep = local.get("endpoint", "") or DEFAULT_LOCAL_V4
    if family(local_ep) == "name":
        local_ep = DEFAULT_LOCAL_V4
    env = {
        "FIXTURE": name,
        "KIND": peer["kind"],
        "IFNAME": peer["name"],
        "LOCAL_EP": local_ep,
        "REMOTE_EP": remote_ep,
        "REMOTE_HOST": remote_host,
        "LOCAL_ADDRS": " ".join(local.get("addresses", [])),
        "REMOTE_ADDRS": " ".join(remote.get("addresses", [])),
        # the veth underlay gets the path MTU the fixture declares, so the MTU check is real
        "UNDERLAY_MTU": str(peer.get("underlay-mtu", 1500)),
    }
    ends = {"local": local, "remote": remote}
    test_addrs = bridge_addresses(local, remote)
    for side, other in (("local", "remote"), ("remote", "local")):
        up = side.upper()
        me, them = ends[side], ends[other]
        bridge = me.get("bridge", "")
        env[f"{up}_BRIDGE"] = bridge
        if bridge:
            # the end's addresses live on the bridge: the tunnel holds none, the pings go
            # to and from the bridge
            env[f"{up}_ADDRS"] = " ".join(test_addrs[side])
            env[f"{up}_TUNNEL_ADDRS"] = ""
            write_host_bridge(case / "host" / side, bridge, test_addrs[side])
        else:
            env[f"{up}_TUNNEL_ADDRS"] = env[f"{up}_ADDRS"]
        env[f"{up}_ROUTES"] = " ".join(expected_routes(peer["kind"], me, them))
        env[f"{up}_ROUTES_ALSO"] = " ".join(other_routes(me, them))
        env[f"{up}_NOROUTE"] = " ".join(
            unrouted_allowed_ips(peer, me, them) if peer["kind"] == "wireguard" else [])
    (case / "case.env").write_text(
        "".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items()))


def main():
    fixtures, out_dir, key_dir = (Path(a) for a in sys.argv[1:4])
    out_dir.mkdir(parents=True, exist_ok=True)
    key_dir.mkdir(parents=True, exist_ok=True)
    for fixture in sorted(fixtures.glob("*.toml")):
        prepare(fixture, out_dir, key_dir)


if __name__ == "__main__":
    main()
