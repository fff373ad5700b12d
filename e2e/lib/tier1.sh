# Tier 1: the real parsers on the host, no VM (sourced; needs common.sh, results.sh, prepare.sh).
#   netplan   netplan 0.106's generator accepts the YAML: exit 0, no WARNING; and the
#             networkd files it generates agree key by key with peergen's own networkd
#             output for the same peer and side (compare_networkd.py says what is
#             normalised and why)
#   wg-quick  wg-quick strip + wg setconf into a userspace wireguard-go device + the PostUp
#             lines; wg showconf must hold the expected keys (proves the key-by-path design)
#   networkd  systemd-networkd started as a parser in a throwaway netns logs nothing about
#             our files (unknown keys, bad values, ignored sections); also for netplan's output
#   ip        dash -n: the script parses (the host kernel lacks most tunnel drivers; tier 2
#             runs the scripts)
# The host kernel has no gre/sit/wireguard modules, so nothing here creates those links.

T1_WORK=$OUT_DIR/tier1

tier1_netplan() {
    local dir fixture side kind log
    for dir in "$OUT_DIR"/cases/*/netplan/*/; do
        dir=${dir%/}; [[ -f $dir/generate.rc ]] || continue
        side=$(basename "$dir"); fixture=$(basename "$(dirname "$(dirname "$dir")")")
        kind=$(. "$OUT_DIR/cases/$fixture/case.env" && echo "$KIND")
        log=$dir/generate.log
        if [[ $(cat "$dir/generate.rc") != 0 ]]; then
            result FAIL 1 "$kind" netplan "generate-$side" "$fixture" "exit $(cat "$dir/generate.rc"): $(head -n 3 "$log")"
        elif grep -qiE 'warning|too open' "$log"; then
            result FAIL 1 "$kind" netplan "generate-$side" "$fixture" "$(grep -iE -m 3 'warning|too open' "$log")"
        elif ! ls "$dir"/root/run/systemd/network/*.netdev >/dev/null 2>&1; then
            result FAIL 1 "$kind" netplan "generate-$side" "$fixture" "exit 0 but no .netdev generated"
        else
            result PASS 1 "$kind" netplan "generate-$side" "$fixture"
        fi
    done
}

# One wg-quick file through the real userspace stack in its own netns. Prints the failure
# message on stdout (empty = pass).
wgquick_check_one() { # CONF EXPECTED_PRIV EXPECTED_PEER_PUB EXPECTED_PSK HOSTS NS
    local conf=$1 priv=$2 pub=$3 psk=$4 hosts=$5 ns=$6
    ip netns add "$ns" || { echo "ip netns add failed"; return; }
    ip netns exec "$ns" bash -c '
        conf=$1 priv=$2 pub=$3 psk=$4 hosts=$5
        ifname=$(basename "$conf" .conf)
        # host name endpoints resolve through our /etc/hosts (wg setconf resolves them)
        mount --bind "$hosts" /etc/hosts
        # A private /run/wireguard (sockets, scratch). Not a tmpfs over /tmp: the checkout,
        # and so $conf, may live below /tmp.
        mkdir -p /run/wireguard && mount -t tmpfs tmpfs /run/wireguard
        err=/run/wireguard/strip.err
        # stderr apart: a warning (e.g. "is world accessible") must not become config input
        stripped=$(wg-quick strip "$conf" 2>"$err") || { echo "wg-quick strip: $(cat "$err")"; exit; }
        [[ -s $err ]] && { echo "wg-quick strip warned: $(cat "$err")"; exit; }
        WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wireguard-go -f "$ifname" >/dev/null 2>&1 &
        gopid=$!
        trap "kill $gopid 2>/dev/null" EXIT
        for _ in $(seq 50); do [[ -S /run/wireguard/$ifname.sock ]] && break; sleep 0.1; done
        [[ -S /run/wireguard/$ifname.sock ]] || { echo "wireguard-go did not start"; exit; }
        out=$(WG_ENDPOINT_RESOLUTION_RETRIES=0 wg setconf "$ifname" <(echo "$stripped") 2>&1) ||
            { echo "wg setconf: $out"; exit; }
        # wg-quick adds the addresses and sets the MTU and the link up before PostUp (a
        # PostUp `ip route add … dev %i` needs the link up); %i is the interface name
        for a in $(sed -n "s/^Address *= *//p" "$conf" | tr "," " "); do
            out=$(ip address add "$a" dev "$ifname" 2>&1) || { echo "Address $a: $out"; exit; }
        done
        mtu=$(sed -n "s/^MTU *= *//p" "$conf")
        out=$(ip link set dev "$ifname" ${mtu:+mtu "$mtu"} up 2>&1) || { echo "MTU/up: $out"; exit; }
        while IFS= read -r cmd; do
            out=$(bash -c "${cmd//%i/$ifname}" 2>&1) || { echo "PostUp \"$cmd\": $out"; exit; }
        done < <(sed -n "s/^PostUp *= *//p" "$conf")
        shown=$(wg showconf "$ifname" 2>&1) || { echo "wg showconf: $shown"; exit; }
        grep -qx "PrivateKey = $priv" <<<"$shown" || { echo "device private key is not the expected one (showconf: $(grep -c PrivateKey <<<"$shown") PrivateKey lines)"; exit; }
        grep -qx "PublicKey = $pub" <<<"$shown" || { echo "peer public key $pub not on the device"; exit; }
        [[ -z $psk ]] || grep -qx "PresharedKey = $psk" <<<"$shown" || { echo "preshared key not on the device"; exit; }
    ' bash "$conf" "$priv" "$pub" "$psk" "$hosts" 2>&1
    ip netns del "$ns" 2>/dev/null
}

tier1_wgquick() {
    local conf dir side other fixture priv pub psk msg n=0 hosts=$T1_WORK/hosts
    mkdir -p "$T1_WORK"
    { cat /etc/hosts; grep -h '^REMOTE_HOST=.' "$OUT_DIR"/cases/*/case.env | while read -r l; do
        echo "$(grep -h '^REMOTE_EP=' "$(grep -l "^$l\$" "$OUT_DIR"/cases/*/case.env | head -n1)" | cut -d= -f2) ${l#REMOTE_HOST=}"
    done; } | tr -d "'" >"$hosts"
    for conf in "$OUT_DIR"/cases/*/wg-quick/*/wireguard/*.conf; do
        [[ -f $conf ]] || continue
        dir=${conf%/wireguard/*}; side=$(basename "$dir")
        fixture=$(basename "$(dirname "$(dirname "$dir")")")
        [[ $side == local ]] && other=remote || other=local
        # what the device must end up with: this side's private key, the other side's public key
        priv=$(python3 - "$OUT_DIR/cases/$fixture/peer.toml" "$side" "$other" <<'PY'
import sys, tomllib, subprocess
p = tomllib.load(open(sys.argv[1], "rb")); me, other = p[sys.argv[2]], p[sys.argv[3]]
priv = me.get("private-key") or open(me["private-key-file"]).read().strip()
psk = p.get("wireguard", {}).get("preshared-key-file")
print(priv, other["public-key"], open(psk).read().strip() if psk else "")
PY
)
        read -r priv pub psk <<<"$priv"
        n=$((n + 1))
        msg=$(wgquick_check_one "$conf" "$priv" "$pub" "$psk" "$hosts" "e2e-t1wg$n")
        if [[ -z $msg ]]; then
            result PASS 1 wireguard wg-quick "setconf-$side" "$fixture"
        else
            result FAIL 1 wireguard wg-quick "setconf-$side" "$fixture" "$msg"
        fi
    done
}

# Start systemd-networkd in namespace NS with DIR (plus HOST_DIR: the host's own files,
# e.g. the bridge a tunnel joins) as /etc/systemd/network; log to LOG.
# A private /run/systemd keeps it away from the host's state; a read-only /sys makes it
# skip waiting for udev (E2E.md).
networkd_parser_start() { # NS DIR LOG [HOST_DIR]
    ip netns add "$1" || return 1
    ip netns exec "$1" sh -c '
        mount -t tmpfs tmpfs /etc/systemd/network && cp -p "$1"/* /etc/systemd/network/ &&
        { [ -z "$2" ] || cp -p "$2"/* /etc/systemd/network/; } &&
        for f in /etc/systemd/network/*; do
            # install as the rendered header says: key-holding files root:systemd-network 0640
            [ "$(stat -c %a "$f")" = 640 ] && chgrp systemd-network "$f"
        done
        mount -t tmpfs tmpfs /run/systemd && mount -o remount,ro /sys &&
        SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL=warning exec /lib/systemd/systemd-networkd
    ' sh "$2" "${4:-}" >"$3" 2>&1 &
    echo $!
}

# What networkd said about our files: every line naming one of them. Lines about creating
# the link are left out on purpose: the host kernel lacks most tunnel drivers (tier 2 tests
# creation on a kernel that has them).
networkd_file_complaints() { # LOG DIR [DIR...]
    local d f pattern=""
    for d in "${@:2}"; do
        [[ -n $d ]] || continue
        for f in "$d"/*; do pattern+="${pattern:+|}$(basename "$f" | sed 's/[.]/[.]/g')"; done
    done
    grep -E "$pattern" "$1" | head -n 5 || true
}

# The host's networkd files for a rendered networkd side: the bridge the end joins, which
# networkd needs as a .netdev of its own or it ignores `Bridge=` (prepare_cases.py writes
# them). netplan's output needs none: the host's YAML defines the bridge there.
networkd_host_dir() { # CASES/FIXTURE/networkd/SIDE/systemd/network
    local side_dir=${1%/systemd/network} host
    [[ $side_dir == */networkd/* ]] || return 0
    host=${side_dir%/networkd/*}/host/$(basename "$side_dir")/networkd
    [[ -d $host ]] && echo "$host"
    return 0
}

tier1_networkd() {
    local dir backend side fixture kind n=0 pids=() entries=() e pid msg
    mkdir -p "$T1_WORK/networkd"
    for dir in "$OUT_DIR"/cases/*/networkd/*/systemd/network "$OUT_DIR"/cases/*/netplan/*/root/run/systemd/network; do
        [[ -d $dir ]] || continue
        n=$((n + 1))
        pid=$(networkd_parser_start "e2e-t1nd$n" "$dir" "$T1_WORK/networkd/$n.log" "$(networkd_host_dir "$dir")") || continue
        pids+=("$pid"); entries+=("$n $dir")
    done
    # networkd reads every file at start-up; a second is plenty, run them all at once.
    sleep "${NETWORKD_PARSE_SECONDS:-2}"
    # still running = it did not die on our files (a quiet log alone could mean it never ran)
    local alive=()
    for pid in "${pids[@]}"; do
        if kill "$pid" 2>/dev/null; then alive+=(1); else alive+=(0); fi
    done
    wait 2>/dev/null || true
    local i=0
    for e in "${entries[@]}"; do
        n=${e%% *}; dir=${e#* }
        ip netns del "e2e-t1nd$n" 2>/dev/null
        fixture=${dir#"$OUT_DIR"/cases/}; fixture=${fixture%%/*}
        kind=$(. "$OUT_DIR/cases/$fixture/case.env" && echo "$KIND")
        if [[ $dir == */netplan/* ]]; then backend=netplan; side=${dir%/root/*}; else backend=networkd; side=${dir%/systemd/network}; fi
        side=$(basename "$side")
        msg=$(networkd_file_complaints "$T1_WORK/networkd/$n.log" "$dir" "$(networkd_host_dir "$dir")")
        # netplan 0.106 writes `Scope=link` on every route without a gateway, IPv6 ones
        # too, whatever the YAML says; networkd ignores it there and installs the route
        # (tier 2's routes check sees it). Only that line is forgiven, and only in
        # netplan's own output.
        [[ $backend == netplan ]] && msg=$(grep -v 'Scope= is specified for IPv6 route. It will be ignored.' <<<"$msg" || true)
        if [[ ${alive[i]} != 1 ]]; then
            result FAIL 1 "$kind" "$backend" "networkd-parse-$side" "$fixture" "networkd exited early: $(tail -n 3 "$T1_WORK/networkd/$n.log")"
        elif [[ -n $msg ]]; then
            result FAIL 1 "$kind" "$backend" "networkd-parse-$side" "$fixture" "$msg"
        else
            result PASS 1 "$kind" "$backend" "networkd-parse-$side" "$fixture"
        fi
        i=$((i + 1))
    done
}

tier1_ip() {
    local f side fixture kind out
    for f in "$OUT_DIR"/cases/*/ip/*/*.sh; do
        [[ -f $f ]] || continue
        side=$(basename "$(dirname "$f")"); fixture=${f#"$OUT_DIR"/cases/}; fixture=${fixture%%/*}
        kind=$(. "$OUT_DIR/cases/$fixture/case.env" && echo "$KIND")
        if out=$(dash -n "$f" 2>&1); then
            result PASS 1 "$kind" ip "sh-syntax-$side-$(basename "$f" | sed 's/.*\.\(up\|down\)\.sh/\1/')" "$fixture"
        else
            result FAIL 1 "$kind" ip "sh-syntax-$side" "$fixture" "$out"
        fi
    done
}

# netplan's networkd files vs peergen's networkd files, for every fixture and side
# where both backends rendered.
tier1_netplan_equivalence() {
    local dir fixture side kind msg
    for dir in "$OUT_DIR"/cases/*/netplan/*/root/run/systemd/network; do
        [[ -d $dir ]] || continue
        # DIR is cases/FIXTURE/netplan/SIDE/root/run/systemd/network
        local rel=${dir#"$OUT_DIR"/cases/}
        fixture=${rel%%/*}
        rel=${rel#*/netplan/}
        side=${rel%%/*}
        kind=$(. "$OUT_DIR/cases/$fixture/case.env" && echo "$KIND")
        local ours=$OUT_DIR/cases/$fixture/networkd/$side/systemd/network
        if [[ ! -d $ours ]]; then
            result FAIL 1 "$kind" netplan "same-as-networkd-$side" "$fixture" "no peergen networkd output to compare with"
        elif msg=$(python3 "$E2E_DIR/lib/compare_networkd.py" "$dir" "$ours"); then
            result PASS 1 "$kind" netplan "same-as-networkd-$side" "$fixture" "$msg"
        else
            result FAIL 1 "$kind" netplan "same-as-networkd-$side" "$fixture" "$msg"
        fi
    done
    # Negative twin: the comparison must see a real difference (gretap's netplan output
    # against gre's networkd output differ in kind, endpoints, key and MTU).
    local a=$OUT_DIR/cases/gretap/netplan/local/root/run/systemd/network
    local b=$OUT_DIR/cases/gre-dualstack/networkd/local/systemd/network
    if [[ -d $a && -d $b ]]; then
        if msg=$(python3 "$E2E_DIR/lib/compare_networkd.py" "$a" "$b"); then
            result FAIL 1 negative netplan same-as-networkd-twin gretap-vs-gre "the comparison saw no difference: $msg"
        else
            result PASS 1 negative netplan same-as-networkd-twin gretap-vs-gre "${msg:0:160}"
        fi
    fi
}

run_tier1() {
    rm -rf "$T1_WORK"; mkdir -p "$T1_WORK"
    tier1_netplan
    tier1_netplan_equivalence
    tier1_wgquick
    tier1_networkd
    tier1_ip
    tier1_negative
}
