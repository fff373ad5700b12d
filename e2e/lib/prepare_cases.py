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
