#!/usr/bin/env python3
"""The daemon frames and expectations of one BGP case (a peer file with a [bgp] table).

peergen renders one file per peer (bird/peers/NAME.conf, frr/peers/NAME.conf); a host's
main daemon config holds what is per host: the router id, BIRD's device protocol, the
routes the host announces, and the named filters/route maps a peer file may refer to.
This writes that frame for each side as docs/backends/{bird,frr}.md describe it, plus
what each side must receive, into CASE/bgp/SIDE/:

  bird.conf      router id, protocol device, kernel protocols exporting what BGP learned,
                 [protocol bfd], protocol static with a blackhole route per announced
                 prefix (BIRD only exports routes in its table), named filters,
                 include "peers/*.conf"
  frr-head.conf  frr defaults, named prefix lists/route maps, router bgp ASN with the
                 router id and a `network` per announced prefix, and a blackhole static
                 route for each (staticd; `network` needs the prefix in the RIB), to be
                 followed by the peer files
  expect         `recv PREFIX` for every prefix the other side announces, `absent PREFIX`
                 for the one it also has in its table but must not announce
  case.env       BFD=0|1 (FRR then needs bfdd)

and CASE/bgp/tunnel.env: the tunnel's name, kind, endpoints and addresses, for the negative
twins (which have no case.env of lib/prepare_cases.py).

Besides its announce list each side holds one more route outside that list (10.255.N.0/24,
fd00:ffff:N::/48): its export filter must keep it, so every case also proves that nothing
the other side must not send arrives.

usage: prepare_bgp.py PEER.toml OUT_DIR [REMOTE_PEER.toml]
REMOTE_PEER renders the remote side from a different peer file (negative twins: the remote
announces more than the local side accepts); expectations then follow the local file.
"""

import ipaddress
import sys
import tomllib
from pathlib import Path

SIDES = ("local", "remote")
ROUTER_ID = {"local": "192.0.2.201", "remote": "192.0.2.202"}
# An end that names its own daemon policies has no announce list: the frame's named
# policies then pass these test prefixes, proving the named ones are used.
TEST_ANNOUNCE = {
    "local": {4: "198.51.100.0/24", 6: "2001:db8:100::/40"},
    "remote": {4: "203.0.113.0/24", 6: "2001:db8:200::/40"},
}
EXTRA = {"local": {4: "10.255.1.0/24", 6: "fd00:ffff:1::/48"},
         "remote": {4: "10.255.2.0/24", 6: "fd00:ffff:2::/48"}}


def other(side):
    return "remote" if side == "local" else "local"


def announce_list(end):
    """(network, max_length) of each announce entry."""
    out = []
    for a in end.get("announce", []):
        if isinstance(a, str):
            net = ipaddress.ip_network(a)
            out.append((net, net.prefixlen))
        else:
            net = ipaddress.ip_network(a["prefix"])
            out.append((net, a.get("max-length", net.prefixlen)))
    return out


def families(peer):
    """The families the sessions carry: [bgp] families, else those of the addresses
    (a link-local-only peering carries both)."""
    fams = peer.get("bgp", {}).get("families")
    if fams:
        return {4 if f == "ipv4" else 6 for f in fams}
    found = set()
    for side in SIDES:
        for a in peer[side].get("addresses", []):
            ip = ipaddress.ip_interface(a).ip
            found.add(6 if ip.version == 6 else 4)
    for side in SIDES:
        for net, _ in announce_list(peer[side]):
            found.add(net.version)
    return found


def effective(peer, side):
    """What the side announces in the test: its list, or test prefixes when it names its
    own policies instead of having a list."""
    end = peer[side]
    lst = announce_list(end)
    if lst:
        return lst
    named = any(k in end for k in ("bird-import-filter", "bird-export-filter",
                                   "frr-route-map-in", "frr-route-map-out"))
    if not named:
        return []
    out = []
    for fam in sorted(families(peer)):
        net = ipaddress.ip_network(TEST_ANNOUNCE[side][fam])
        out.append((net, net.prefixlen))
    return out


def bird_filter(name, nets):
    lines = [f"filter {name} {{"]
    for fam in (4, 6):
        sel = [f"{n}{{{n.prefixlen},{m}}}" for n, m in nets if n.version == fam]
        if sel:
            lines.append(f"  if net ~ [ {', '.join(sel)} ] then accept;")
    lines += ["  reject;", "}"]
    return "\n".join(lines)


def frr_route_map(name, nets):
    lines = []
    for fam in (4, 6):
        sel = [(n, m) for n, m in nets if n.version == fam]
        kw = "ip" if fam == 4 else "ipv6"
        pl = f"E2E-{name}-V{fam}"
        for i, (n, m) in enumerate(sel):
            le = f" le {m}" if m > n.prefixlen else ""
            lines.append(f"{kw} prefix-list {pl} seq {5 * (i + 1)} permit {n}{le}")
    seq = 10
    for fam in (4, 6):
        if any(n.version == fam for n, _ in nets):
            kw = "ip" if fam == 4 else "ipv6"
            lines += [f"route-map {name} permit {seq}",
                      f" match {kw} address prefix-list E2E-{name}-V{fam}", "exit"]
            seq += 10
    if not lines:  # nothing passes
        lines = [f"route-map {name} deny 10", "exit"]
    return "\n".join(lines)


def write_side(peer, side, out):
    end, fams = peer[side], families(peer)
    mine, theirs = effective(peer, side), effective(peer, other(side))
    bfd = bool(peer.get("bgp", {}).get("bfd", False))
    statics = {4: [], 6: []}
    for n, _ in mine:
        statics[n.version].append(str(n))
    for fam in fams:
        if statics[fam]:
            statics[fam].append(EXTRA[side][fam])
    d = out / side
    d.mkdir(parents=True, exist_ok=True)

    bird = ["# Main BIRD config of this end (the frame of docs/backends/bird.md).",
            f"router id {ROUTER_ID[side]};", "protocol device {}"]
    # learned routes go into the kernel, as in the documented frame; nothing comes back
    for fam in sorted(fams):
        bird.append(f"protocol kernel e2e_kernel_v{fam} {{\n  ipv{fam} {{\n    import none;\n"
                    "    export where source = RTS_BGP;\n  };\n}")
    if bfd:
        # Emulation timers: under TCG with four cases at once a daemon can stall for most
        # of a second, longer than BIRD's default detection time (5 x 100 ms) or FRR's
        # (3 x 300 ms), and BFD then takes a healthy session down. BIRD asks for 1 s both
        # ways (FRR follows the slower of the two), so detection takes 3 s to 10 s.
        bird.append('protocol bfd {\n  interface "*" {\n    interval 1 s;\n    multiplier 10;\n  };\n}')
    for fam in (4, 6):
        if statics[fam]:
            bird.append(f"protocol static e2e_announce_v{fam} {{\n  ipv{fam};")
            bird += [f"  route {p} blackhole;" for p in statics[fam]]
            bird.append("}")
    if end.get("bird-import-filter"):
        bird.append(bird_filter(end["bird-import-filter"], theirs))
    if end.get("bird-export-filter"):
        bird.append(bird_filter(end["bird-export-filter"], mine))
    bird.append('include "peers/*.conf";')
    (d / "bird.conf").write_text("\n".join(bird) + "\n")

    frr = ["! Main FRR config of this end (the frame of docs/backends/frr.md).",
           "frr defaults traditional", f"hostname e2e-{side}"]
    if end.get("frr-route-map-in"):
        frr.append(frr_route_map(end["frr-route-map-in"], theirs))
    if end.get("frr-route-map-out"):
        frr.append(frr_route_map(end["frr-route-map-out"], mine))
    frr += [f"router bgp {end['asn']}", f" bgp router-id {ROUTER_ID[side]}",
            " no bgp default ipv4-unicast"]
    for fam in (4, 6):
        if statics[fam]:
            frr.append(f" address-family ipv{fam} unicast")
            frr += [f"  network {p}" for p in statics[fam]]
            frr.append(" exit-address-family")
    frr.append("exit")
    # what we announce needs a route in the table (staticd), as in the documented frame
    for fam in (4, 6):
        frr += [f"{'ip' if fam == 4 else 'ipv6'} route {p} blackhole" for p in statics[fam]]
    (d / "frr-head.conf").write_text("\n".join(frr) + "\n")

    exp = [f"recv {n}" for n, _ in theirs if n.version in fams]
    exp += [f"absent {EXTRA[other(side)][f]}" for f in sorted(fams)
            if any(n.version == f for n, _ in theirs)]
    (d / "expect").write_text("\n".join(exp) + "\n")
    (d / "case.env").write_text(f"BFD={int(bfd)}\n")


def main():
    peer = tomllib.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    remote_peer = peer
    if len(sys.argv) > 3:
        remote_peer = tomllib.loads(Path(sys.argv[3]).read_text())
    write_side(peer, "local", out)
    write_side(remote_peer, "remote", out)
    env = {"IFNAME": peer["name"], "KIND": peer["kind"],
           "LOCAL_EP": peer["local"].get("endpoint", ""),
           "REMOTE_EP": peer["remote"].get("endpoint", ""),
           "LOCAL_TUNNEL_ADDRS": " ".join(peer["local"].get("addresses", [])),
           "REMOTE_TUNNEL_ADDRS": " ".join(peer["remote"].get("addresses", []))}
    (out / "tunnel.env").write_text("".join(f"{k}='{v}'\n" for k, v in env.items()))
    # The local side's expectations follow the local file: of what the remote file
    # announces, what the local import filter does not cover must not arrive.
    if remote_peer is not peer:
        accepted = announce_list(peer["remote"])
        foreign = [n for n, _ in announce_list(remote_peer["remote"])
                   if not any(n.version == a.version and n.subnet_of(a) and n.prefixlen <= m
                              for a, m in accepted)]
        with open(out / "local" / "expect", "a") as f:
            f.writelines(f"absent {n}\n" for n in foreign)


if __name__ == "__main__":
    main()
