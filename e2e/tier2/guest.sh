#!/bin/bash
# Runs INSIDE the tier-2 VM (PID 1's child): for every case in /e2e/cases, build a routed
# underlay (local and remote network namespaces with a router namespace between them), install
# the files peergen rendered for --side local in one end and --side remote in the other with the
# real tool (ip script, wg-quick, systemd-networkd, netplan's generated networkd files), then
# ping every remote tunnel address from the local side, once plainly and once with TTL 1.
# Prints one line per check to RESULTS (a serial port the host reads):
#   PASS|FAIL kind backend check fixture [the tool's own message]
# (check: routed, bridge, ipv4, ipv6, ipv6-ll, ttl1-ipv4, ttl1-ipv6, ttl1-ipv6-ll, routes,
# mtu, status-local, status-remote, down)
# plus negative cases (files the real tool must reject) from /e2e/negative, and
# `peergen status`'s twins (status-negative.sh).
#
# usage: guest.sh RESULTS_DEVICE
set -uo pipefail

RESULTS=${1:-/dev/stdout}
CASES=/e2e/cases
WORK=/tmp/e2e
KEY_DIR=/run/peergen-e2e/keys
PING_DEADLINE=${PING_DEADLINE:-10}   # seconds; a first WireGuard handshake can take a few
TTL1_DEADLINE=${TTL1_DEADLINE:-3}   # seconds; runs after a plain ping warmed the path
SETTLE_TIMEOUT=${SETTLE_TIMEOUT:-25} # seconds for a backend to create and address the link
NETWORKD=/lib/systemd/systemd-networkd
JOBS=${E2E_GUEST_JOBS:-4}           # cases run concurrently, each in its own three netns
GUEST_LOG=/tmp/e2e/results.log      # every result line, for the final count
N=0

mkdir -p "$WORK" "$KEY_DIR" /etc/systemd/network /etc/systemd/networkd.conf.d /run/systemd
: >"$GUEST_LOG"
cp -a /e2e/keys/. "$KEY_DIR/" 2>/dev/null
[[ -f /e2e/hosts ]] && cat /e2e/hosts >>/etc/hosts
# Load every tunnel driver up front so a missing module shows up as one clear error here,
# not as "Unknown device type" in some case.
for m in wireguard ip_gre sit ip6_gre vxlan veth bridge; do
    modprobe "$m" || echo "modprobe $m failed" >&2
done
echo "guest: kernel $(uname -r), $(ls /e2e/cases | wc -l) cases" >&2

result() { # STATUS KIND BACKEND FAMILY FIXTURE [MESSAGE...]
    local status=$1; shift
    local msg=""
    (($# > 4)) && msg=" $(printf '%s' "${*:5}" | tr '\n\t' '  ' | tr -s ' ' | cut -c1-400)"
    # one short write per line, so concurrent cases do not interleave within a line
    echo "$status $1 $2 $3 $4$msg" | tee -a "$RESULTS" "$GUEST_LOG" >&2
}

family_of() {
    case $1 in
    fe80:* | FE80:*) echo ipv6-ll ;;
    *:*) echo ipv6 ;;
    *) echo ipv4 ;;
    esac
}

# The routed underlay: three namespaces, local ↔ router ↔ remote, joined by two veth pairs,
# so every outer packet is forwarded once, as between real peers. That is what exposes a
# tunnel whose outer TTL is inherited from the inner packet: eBGP sends TTL 1, the outer
# header copies it and the router drops it.
#
# Each end carries its side's endpoint as a single-host address whose point-to-point peer is
# the router's address on that link (the kernel installs that route itself, proto kernel),
# plus one host route to the other endpoint via the router. systemd-networkd, running in the
# end namespaces for its backends, leaves that route alone: it removes foreign routes
# (ManageForeignRoutes=yes, its default) only on the links it manages, and no rendered
# .network file matches the underlay veth. The router holds the mirror image and forwards
# (ip_forward, IPv6 forwarding). Only the family of the remote endpoint
# is built; a local side without an endpoint of that family dials out from the usual one.
# All four veth ends get the fixture's underlay MTU, so the MTU check sees the real path.
# The router's own addresses are the source of the "Time to live exceeded" answers. No
# fixture uses them as an address; some fixtures route 192.0.2.0/24 or parts of it through
# their tunnel, which the single-host peer routes to the router outrank.
RT4_LOCAL=192.0.2.1 RT4_REMOTE=192.0.2.2 RT6_LOCAL=2001:db8:ff00::1 RT6_REMOTE=2001:db8:ff00::2
underlay_up() { # NS_LOCAL NS_ROUTER NS_REMOTE LOCAL_EP REMOTE_EP [UNDERLAY_MTU]
    local l=$1 x=$2 r=$3 lep=$4 rep=$5 mtu=${6:-1500} lp rl rr host nodad=""
    if [[ $rep == *:* ]]; then
        host=128 nodad=nodad rl=$RT6_LOCAL rr=$RT6_REMOTE lp=2001:db8:100::10
        [[ $lep == *:* ]] && lp=$lep
    else
        host=32 rl=$RT4_LOCAL rr=$RT4_REMOTE lp=198.51.100.10
        [[ $lep == *.* ]] && lp=$lep
    fi
    # One `ip -batch` per namespace: under TCG every process costs, and several cases build
    # their underlay at once.
    printf 'netns add %s\n' "$l" "$x" "$r" | ip -batch - || return 1
    ip netns exec "$x" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
    ip -n "$x" -batch - <<BATCH || return 1
link add rt-local mtu $mtu type veth peer name ul-local mtu $mtu netns $l
link add rt-remote mtu $mtu type veth peer name ul-remote mtu $mtu netns $r
link set lo up
link set rt-local up
link set rt-remote up
BATCH
    # The ends: link up before addressing (Linux 6.1 does not install the peer route of an
    # IPv6 address added while the link is down), then the host route via the router,
    # `onlink` because the kernel installs that peer route a moment later (once it has
    # processed the carrier), and a plain gateway route would race it.
    ip -n "$l" -batch - <<BATCH || return 1
link set lo up
link set ul-local up
address add $lp peer $rl/$host dev ul-local $nodad
route add $rep/$host via $rl dev ul-local onlink
BATCH
    ip -n "$r" -batch - <<BATCH || return 1
link set lo up
link set ul-remote up
address add $rep peer $rr/$host dev ul-remote $nodad
route add $lp/$host via $rr dev ul-remote onlink
BATCH
    ip -n "$x" -batch - <<BATCH
address add $rl peer $lp/$host dev rt-local $nodad
address add $rr peer $rep/$host dev rt-remote $nodad
BATCH
}

underlay_down() { # NS...
    printf 'netns del %s\n' "$@" | ip -force -batch - 2>/dev/null
}

# The router is really in the path: a plain ping from the local end to the remote endpoint
# passes, and the same ping with TTL 1 must die at the router (one line: `routed`).
routed_check() { # KIND BACKEND FIXTURE NS REMOTE_EP
    local kind=$1 backend=$2 fixture=$3 ns=$4 rep=$5 out
    if ! out=$(ip netns exec "$ns" ping -c 1 -w "$PING_DEADLINE" "$rep" 2>&1); then
        result FAIL "$kind" "$backend" routed "$fixture" "ping $rep across the router: $(echo "$out" | grep -v '^PING' | head -n 2)"
    elif out=$(ip netns exec "$ns" ping -c 1 -t 1 -w 2 "$rep" 2>&1); then
        result FAIL "$kind" "$backend" routed "$fixture" "ping -t 1 $rep was answered: no router between the ends"
    else
        result PASS "$kind" "$backend" routed "$fixture" "$(echo "$out" | grep -m1 -i 'exceeded' || echo "$out" | grep -m1 'packet loss')"
    fi
}

# Start one systemd-networkd in namespace NS with DIR as its /etc/systemd/network.
# `ip netns exec` already gives a private mount namespace with the namespace's /sys; on top:
# our own config dir, our own /run/systemd (state files), a distinct machine-id (two
# networkds sharing one give both VxLAN ends the same MAC), and a read-only /sys (networkd
# then does not wait for udev, which does not run here).
# HOST_DIR adds the host's own files (the bridge a tunnel joins, prepare_cases.py).
# NETWORKD_DROP_IN (a file, optional) becomes this networkd's only networkd.conf.d drop-in.
networkd_start() { # NS DIR LOG [HOST_DIR]
    local ns=$1 dir=$2 log=$3 host=${4:-} dropin=${NETWORKD_DROP_IN:-} mid
    mid=$(tr -d '-' </proc/sys/kernel/random/uuid)
    echo "$mid" >"$WORK/$ns.machine-id"
    ip netns exec "$ns" sh -c '
        mount -t tmpfs tmpfs /etc/systemd/network && cp -p "$1"/* /etc/systemd/network/ &&
        { [ -z "$3" ] || cp -p "$3"/* /etc/systemd/network/; } &&
        for f in /etc/systemd/network/*; do
            # install as the rendered header says: key-holding files root:systemd-network 0640
            [ "$(stat -c %a "$f")" = 640 ] && chgrp systemd-network "$f"
        done

        mount -t tmpfs tmpfs /etc/systemd/networkd.conf.d &&
        { [ -z "$4" ] || cp "$4" /etc/systemd/networkd.conf.d/; } &&

        mount -t tmpfs tmpfs /run/systemd &&
        mount --bind "$2" /etc/machine-id &&
        mount -o remount,ro /sys &&
        SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL=debug exec '"$NETWORKD"'
    ' sh "$dir" "$WORK/$ns.machine-id" "$host" "$dropin" >"$log" 2>&1 &
    echo $! >"$WORK/$ns.networkd.pid"
}

networkd_stop() { # NS
    local pidf=$WORK/$1.networkd.pid
    [[ -f $pidf ]] && kill "$(cat "$pidf")" 2>/dev/null
    rm -f "$pidf"
}

# Messages networkd logged about our files: warnings and errors, not debug chatter.
networkd_complaints() { # LOG IFNAME
    grep -E -i "$2|\.netdev|\.network" "$1" | grep -E -i 'warn|error|fail|invalid|unknown|ignor|not ' |
        grep -v -E 'Failed to connect to .*bus|Could not connect to.*bus|dbus' | tail -n 5
}

# Wait until IFNAME exists in NS, is up, and holds every address in ADDRS with DAD done.
# One `ip` call per poll: under TCG every fork costs, and up to $JOBS cases poll at once.
settle() { # NS IFNAME "ADDRS"
    local ns=$1 ifname=$2 addrs=$3 t=0 a ok out
    while ((t < SETTLE_TIMEOUT * 4)); do
        ok=1
        if out=$(ip -n "$ns" addr show dev "$ifname" 2>/dev/null); then
            [[ $out == *tentative* ]] && ok=0
            for a in $addrs; do
                [[ $out == *"inet "${a%/*}[/\ ]* || $out == *"inet6 "${a%/*}[/\ ]* ]] || ok=0
            done
        else
            ok=0
        fi
        ((ok)) && return 0
        sleep 0.25
        t=$((t + 1))
    done
    return 1
}

# Ping a remote tunnel address from NS (link-local ones through IFNAME); extra ping options
# (e.g. -t 1: TTL for IPv4, hop limit for IPv6 in iputils) go last.
tunnel_ping() { # NS IFNAME ADDR DEADLINE [PING_OPTIONS...]
    local ns=$1 ifname=$2 a=$3 deadline=$4
    shift 4
    if [[ $(family_of "$a") == ipv6-ll ]]; then
        ip netns exec "$ns" ping -c 1 -w "$deadline" -I "$ifname" "$@" "$a" 2>&1
    else
        ip netns exec "$ns" ping -c 1 -w "$deadline" "$@" "$a" 2>&1
    fi
}

# Install the files rendered for one side in its namespace with the backend's real tool.
# An end in a bridge first gets the host's bridge, which peergen does not create
# (docs/peer-file.md "Bridges"): for ip a bridge made with `ip link` carrying the end's
# test addresses; for networkd the host's .netdev/.network from HOST_DIR; for netplan the
# host's YAML was merged by netplan generate on the host, its output already has it.
apply_side() { # BACKEND NS DIR LOG HOST_DIR BRIDGE "BRIDGE_ADDRS"
    local backend=$1 ns=$2 dir=$3 log=$4 host=$5 bridge=$6 baddrs=$7 f a
    case $backend in
    ip)
        f=$(ls "$dir"/*.up.sh 2>/dev/null | head -n1)
        [[ -n $f ]] || { echo "no *.up.sh in $(ls "$dir")" >"$log"; return 1; }
        if [[ -n $bridge ]]; then
            { echo "link add $bridge type bridge"; echo "link set $bridge up"
              for a in $baddrs; do echo "address add $a dev $bridge"; done; } |
                ip -n "$ns" -batch - >"$log" 2>&1 || return 1
        fi
        ip netns exec "$ns" sh "$f" >>"$log" 2>&1
        ;;
    wg-quick)
        f=$(ls "$dir"/wireguard/*.conf 2>/dev/null | head -n1)
        [[ -n $f ]] || { echo "no wireguard/*.conf" >"$log"; return 1; }
        ip netns exec "$ns" env WG_ENDPOINT_RESOLUTION_RETRIES=3 wg-quick up "$f" >"$log" 2>&1
        ;;
    networkd)
        ls "$dir"/systemd/network/*.netdev >/dev/null 2>&1 || { echo "no .netdev" >"$log"; return 1; }
        networkd_start "$ns" "$dir/systemd/network" "$log" "${bridge:+$host/networkd}"
        ;;
    netplan)
        # netplan generate ran on the host; these are the networkd files it wrote.
        ls "$dir"/root/run/systemd/network/* >/dev/null 2>&1 || { echo "netplan generated no networkd files" >"$log"; return 1; }
        networkd_start "$ns" "$dir/root/run/systemd/network" "$log"
        ;;
    esac
}

# The MTU peergen computed (its "# MTU N = ..." header) must be what the link got, and a
# full-size packet with fragmentation forbidden must cross the underlay (a too-large MTU
# makes GRE-family tunnels answer "Frag needed"/"Packet too big" instead).
mtu_check() { # KIND BACKEND FIXTURE NS DIR IFNAME "REMOTE_ADDRS"
    local kind=$1 backend=$2 fixture=$3 ns=$4 dir=$5 ifname=$6 remote_addrs=$7 claimed actual a target="" size out
    claimed=$(grep -rhoE -m1 '^# MTU [0-9]+' "$dir" 2>/dev/null | head -n1 | awk '{print $3}')
    [[ -z $claimed ]] && claimed=$(grep -rhoE -m1 '(MTUBytes=|MTU = |mtu:? )[0-9]+' "$dir" | head -n1 | grep -oE '[0-9]+$')
    actual=$(ip -n "$ns" link show dev "$ifname" | grep -oE 'mtu [0-9]+' | awk '{print $2}')
    if [[ -z $claimed ]]; then
        result FAIL "$kind" "$backend" mtu "$fixture" "no MTU stated in the rendered files"; return
    elif [[ $claimed != "$actual" ]]; then
        result FAIL "$kind" "$backend" mtu "$fixture" "rendered files say MTU $claimed, the link has $actual"; return
    fi
    for a in $remote_addrs; do  # prefer IPv4 (28 bytes of headers), else global IPv6 (48)
        a=${a%/*}
        case $(family_of "$a") in
        ipv4) target=$a; size=$((actual - 28)); break ;;
        ipv6) [[ -z $target ]] && { target=$a; size=$((actual - 48)); } ;;
        esac
    done
    [[ -z $target ]] && { result PASS "$kind" "$backend" mtu "$fixture" "link MTU $actual (no global address for a DF ping)"; return; }
    if out=$(ip netns exec "$ns" ping -c 1 -w "$PING_DEADLINE" -M "do" -s "$size" "$target" 2>&1); then
        result PASS "$kind" "$backend" mtu "$fixture"
    else
        result FAIL "$kind" "$backend" mtu "$fixture" "MTU $actual: ping -M do -s $size $target: $(echo "$out" | grep -v '^PING' | head -n 2)"
    fi
}

# Tear down with the backend's own down path where it has one, and check it worked.
teardown_check() { # KIND BACKEND FIXTURE NS DIR IFNAME
    local kind=$1 backend=$2 fixture=$3 ns=$4 dir=$5 ifname=$6 out f
    case $backend in
    ip) f=$(ls "$dir"/*.down.sh 2>/dev/null | head -n1)
        out=$(ip netns exec "$ns" sh "$f" 2>&1) ;;
    wg-quick) f=$(ls "$dir"/wireguard/*.conf | head -n1)
        out=$(ip netns exec "$ns" wg-quick down "$f" 2>&1) ;;
    *) return 0 ;;
    esac
    if [[ $? -ne 0 ]]; then
        result FAIL "$kind" "$backend" down "$fixture" "$out"
    elif ip -n "$ns" link show dev "$ifname" >/dev/null 2>&1; then
        result FAIL "$kind" "$backend" down "$fixture" "$ifname still exists after the down path"
    else
        result PASS "$kind" "$backend" down "$fixture"
    fi
}

# Routes on one end, compared with what the fixture declares (prepare_cases.py): every
# `routes` entry in its table with its metric (layer 2 kinds: via the other end's address),
# no route on the tunnel besides those and the addresses' own (a stray one would be, e.g.,
# WireGuard allowed IPs routed by wg-quick), and none at all for the other end's WireGuard
# allowed IPs that `routes` does not name. Prints the problems, nothing when all is well.
side_routes() { # NS IFNAME "ROUTES" "ALSO" "NOROUTE"
    local ns=$1 dev=$2 routes=$3 also=$4 noroute=$5 r fam dest table metric via q line got
    local allowed=" " stray
    for r in $routes; do
        IFS=, read -r fam dest table metric via <<<"$r"
        allowed+="$fam,$dest,$table "
        q=$dest; [[ $q == default ]] && { [[ $fam == 4 ]] && q=0.0.0.0/0 || q=::/0; }
        line=$(ip -n "$ns" -"$fam" -o route show table "$table" exact "$q" 2>&1 | grep -E " dev $dev( |$)")
        if [[ -z $line ]]; then
            echo "no route $dest dev $dev in table $table ($(ip -n "$ns" -"$fam" -o route show table "$table" exact "$q" 2>&1 | head -n 1));"
            continue
        fi
        got=0; [[ $line =~ \ metric\ ([0-9]+) ]] && got=${BASH_REMATCH[1]}
        [[ $got == "$metric" ]] || echo "$dest table $table has metric $got, not $metric;"
        [[ $via == - || $line == *" via $via "* ]] || echo "$dest is not via $via: $line;"
    done
    for r in $also; do allowed+="$r "; done
    # every other route on the tunnel: not the kernel's own (prefix, local, multicast)
    for fam in 4 6; do
        while read -r line; do
            [[ -z $line || $line == *"proto kernel"* ]] && continue
            set -- $line
            case $1 in unicast | local | broadcast | multicast | anycast | unreachable | blackhole | prohibit | throw) shift ;; esac
            dest=$1 table=254
            [[ $line =~ \ table\ ([0-9a-z]+) ]] && table=${BASH_REMATCH[1]}
            [[ $table == main ]] && table=254
            [[ $allowed == *" $fam,$dest,$table "* ]] || stray+="$dest${table:+ table $table}, "
        done < <(ip -n "$ns" -"$fam" -o route show table all dev "$dev" 2>/dev/null)
    done
    [[ -z ${stray:-} ]] || echo "routes on $dev not in the fixture: ${stray%, };"
    for r in $noroute; do
        IFS=, read -r fam dest <<<"$r"
        line=$(ip -n "$ns" -"$fam" -o route show table all exact "$dest" 2>/dev/null | grep -vE '^(local|broadcast|multicast) ')
        [[ -z $line ]] || echo "allowed IPs $dest routed: $line;"
    done
}

routes_check() { # KIND BACKEND FIXTURE NS_LOCAL NS_REMOTE IFNAME
    local kind=$1 backend=$2 fixture=$3 l=$4 r=$5 dev=$6 msg what=""
    msg=$(side_routes "$l" "$dev" "$LOCAL_ROUTES" "$LOCAL_ROUTES_ALSO" "$LOCAL_NOROUTE" | sed 's/^/local: /')
    msg+=$(side_routes "$r" "$dev" "$REMOTE_ROUTES" "$REMOTE_ROUTES_ALSO" "$REMOTE_NOROUTE" | sed 's/^/ remote: /')
    if [[ -n $msg ]]; then
        result FAIL "$kind" "$backend" routes "$fixture" "$msg"
        return
    fi
    [[ -n $LOCAL_ROUTES ]] && what+="local ${LOCAL_ROUTES// /; }. "
    [[ -n $REMOTE_ROUTES ]] && what+="remote ${REMOTE_ROUTES// /; }. "
    [[ -n $LOCAL_NOROUTE$REMOTE_NOROUTE ]] && what+="allowed IPs not routed: ${LOCAL_NOROUTE:+local $LOCAL_NOROUTE }${REMOTE_NOROUTE:+remote $REMOTE_NOROUTE}. "
    result PASS "$kind" "$backend" routes "$fixture" "${what}no other routes on $dev (family,to,table,metric,via)"
}

# A bridged end: the tunnel must be a port of the host's bridge (`master BR`) on each end
# that names one; the pings then go from bridge to bridge (or tunnel).
bridge_check() { # KIND BACKEND FIXTURE NS_LOCAL NS_REMOTE IFNAME
    local kind=$1 backend=$2 fixture=$3 l=$4 r=$5 dev=$6 msg="" ns br out
    for ns in "$l:$LOCAL_BRIDGE" "$r:$REMOTE_BRIDGE"; do
        br=${ns#*:} ns=${ns%%:*}
        [[ -n $br ]] || continue
        out=$(ip -n "$ns" -o link show dev "$dev" 2>&1)
        [[ $out == *" master $br "* ]] || msg+="$ns: $dev is not a port of $br: $out; "
    done
    if [[ -n $msg ]]; then
        result FAIL "$kind" "$backend" bridge "$fixture" "$msg"
    else
        result PASS "$kind" "$backend" bridge "$fixture" "${LOCAL_BRIDGE:+local $dev in $LOCAL_BRIDGE ($LOCAL_ADDRS) }${REMOTE_BRIDGE:+remote $dev in $REMOTE_BRIDGE ($REMOTE_ADDRS)}"
    fi
}

# `peergen status` (the binary under test, /e2e/bin/peergen) in one end, compared as SIDE
# with the case's peer file: a correctly working tunnel must be reported as matching
# (exit 0, no finding). Where networkd runs in the end, status runs in networkd's own mount
# namespace (nsenter), so it reads the /etc/systemd/networkd.conf(.d) and
# /run/systemd/netif/state that this networkd uses, as on a host; elsewhere `ip netns exec`.
PEERGEN=/e2e/bin/peergen
in_end() { # NS COMMAND...
    local ns=$1 pidf=$WORK/$1.networkd.pid
    shift
    if [[ -f $pidf ]]; then
        nsenter -t "$(cat "$pidf")" -m -n "$@"
    else
        ip netns exec "$ns" "$@"
    fi
}

# The findings of a `peergen status --json` document, one short phrase each
# (check: expected; actual), or its per-peer error. The JSON is pretty-printed with sorted
# keys: actual, check, down, expected, … per finding.
status_findings() { # JSON
    sed -n -E 's/^ *"(actual|check|expected|error)": "?(.*[^",])"?,?$/\1=\2/p' <<<"$1" |
        awk -F= '/^actual=/ {a = substr($0, 8)} /^check=/ {c = $2} /^error=/ && $2 != "null" && $2 !~ /^[0-9]+$/ {printf "error: %s; ", substr($0, 7)}
                 /^expected=/ {printf "%s: expected %s, host has %s; ", c, substr($0, 10), a}'
}

# The check names a `peergen status --json` document reports, space-separated.
status_checks() { # JSON
    sed -n -E 's/^ *"check": "([a-z0-9-]+)",?$/\1/p' <<<"$1" | tr '\n' ' '
}

status_check() { # KIND BACKEND FIXTURE NS SIDE PEER
    local kind=$1 backend=$2 fixture=$3 ns=$4 side=$5 peer=$6 out rc=0 t0=${EPOCHREALTIME/./} ms
    # --no-bgp: tunnel cases run no BGP daemon; bgp.sh checks the sessions with status
    out=$(in_end "$ns" "$PEERGEN" status --side "$side" --no-bgp --json "$peer" 2>&1) || rc=$?
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    if ((rc == 0)); then
        result PASS "$kind" "$backend" "status-$side" "$fixture" "$(grep -m1 -o '"verdict": "[a-z]*"' <<<"$out") in $ms ms"
    else
        result FAIL "$kind" "$backend" "status-$side" "$fixture" "exit $rc in $ms ms: $(status_findings "$out")$( ((rc == 1)) || head -c 300 <<<"$out")"
    fi
}

run_case() { # CASE_DIR BACKEND N
    local case_dir=$1 backend=$2 N=$3 FIXTURE KIND IFNAME LOCAL_EP REMOTE_EP REMOTE_HOST LOCAL_ADDRS REMOTE_ADDRS UNDERLAY_MTU
    local LOCAL_BRIDGE="" REMOTE_BRIDGE="" LOCAL_TUNNEL_ADDRS="" REMOTE_TUNNEL_ADDRS=""
    local LOCAL_ROUTES="" REMOTE_ROUTES="" LOCAL_ROUTES_ALSO="" REMOTE_ROUTES_ALSO="" LOCAL_NOROUTE="" REMOTE_NOROUTE=""
    source "$case_dir/case.env"
    local l=l$N x=x$N r=r$N bdir=$case_dir/$backend msg a fam out ok=1 t0=$SECONDS t1=$SECONDS t2=$SECONDS
    local llog=$WORK/$N.local.log rlog=$WORK/$N.remote.log NETWORKD_DROP_IN=""
    # A host that runs a BGP daemon next to networkd keeps networkd off the daemon's
    # routes (docs/backends/bird.md), which `peergen status` checks for such a peer.
    if grep -q '^\[bgp\]' "$case_dir/peer.toml"; then
        NETWORKD_DROP_IN=$WORK/$N.networkd-bgp.conf
        printf '[Network]\nManageForeignRoutes=no\n' >"$NETWORKD_DROP_IN"
    fi
    # where each end's addresses live: its bridge if it joins one, else the tunnel
    local ldev=${LOCAL_BRIDGE:-$IFNAME}

    fail_all() {
        for a in $REMOTE_ADDRS; do result FAIL "$KIND" "$backend" "$(family_of "$a")" "$FIXTURE" "$1"; done
    }
    # settle one end: the tunnel with its own addresses, and the bridge with the end's
    settle_end() { # NS SIDE BRIDGE TUNNEL_ADDRS ADDRS LOG
        local what
        if ! settle "$1" "$IFNAME" "$4"; then
            what="$2 $IFNAME not up with its addresses after ${SETTLE_TIMEOUT}s"
        elif [[ -n $3 ]] && ! settle "$1" "$3" "$5"; then
            what="$2 bridge $3 not up with $5 after ${SETTLE_TIMEOUT}s: $(ip -n "$1" -o addr show dev "$3" 2>&1 | head -n 3)"
        else
            return 0
        fi
        [[ $backend == networkd || $backend == netplan ]] && what+=": $(networkd_complaints "$6" "$IFNAME")"
        fail_all "$what"
        return 1
    }
    if ! underlay_up "$l" "$x" "$r" "$LOCAL_EP" "$REMOTE_EP" "${UNDERLAY_MTU:-1500}" 2>"$WORK/$N.ul.log"; then
        fail_all "underlay: $(cat "$WORK/$N.ul.log")"; ok=0
    else
        routed_check "$KIND" "$backend" "$FIXTURE" "$l" "$REMOTE_EP"
        t1=$SECONDS
        if ! apply_side "$backend" "$r" "$bdir/remote" "$rlog" "$case_dir/host/remote" "$REMOTE_BRIDGE" "$REMOTE_ADDRS"; then
            fail_all "remote side: $(tail -n 5 "$rlog")"; ok=0
        elif ! apply_side "$backend" "$l" "$bdir/local" "$llog" "$case_dir/host/local" "$LOCAL_BRIDGE" "$LOCAL_ADDRS"; then
            fail_all "local side: $(tail -n 5 "$llog")"; ok=0
        fi
    fi
    if ((ok)); then
        settle_end "$r" remote "$REMOTE_BRIDGE" "$REMOTE_TUNNEL_ADDRS" "$REMOTE_ADDRS" "$rlog" &&
            settle_end "$l" local "$LOCAL_BRIDGE" "$LOCAL_TUNNEL_ADDRS" "$LOCAL_ADDRS" "$llog" || ok=0
    fi
    t2=$SECONDS
    if ((ok)); then
        [[ -n $LOCAL_BRIDGE$REMOTE_BRIDGE ]] && bridge_check "$KIND" "$backend" "$FIXTURE" "$l" "$r" "$IFNAME"
        for a in $REMOTE_ADDRS; do
            a=${a%/*}
            fam=$(family_of "$a")
            if out=$(tunnel_ping "$l" "$ldev" "$a" "$PING_DEADLINE"); then
                result PASS "$KIND" "$backend" "$fam" "$FIXTURE"
            else
                result FAIL "$KIND" "$backend" "$fam" "$FIXTURE" "ping $a: $(echo "$out" | grep -v '^PING' | head -n 3)"
            fi
            # What eBGP sends: TTL (hop limit) 1 must reach the other end of the tunnel.
            if out=$(tunnel_ping "$l" "$ldev" "$a" "$TTL1_DEADLINE" -t 1); then
                result PASS "$KIND" "$backend" "ttl1-$fam" "$FIXTURE"
            else
                result FAIL "$KIND" "$backend" "ttl1-$fam" "$FIXTURE" "ping -t 1 $a lost across the router (outer TTL inherited from the inner packet?): $(echo "$out" | grep -v '^PING' | head -n 3)"
            fi
        done
        routes_check "$KIND" "$backend" "$FIXTURE" "$l" "$r" "$IFNAME"
        mtu_check "$KIND" "$backend" "$FIXTURE" "$l" "$bdir/local" "$IFNAME" "$REMOTE_ADDRS"
        # both ends at once: each run is a handful of `ip`/`wg` calls
        status_check "$KIND" "$backend" "$FIXTURE" "$l" local "$case_dir/peer.toml" &
        status_check "$KIND" "$backend" "$FIXTURE" "$r" remote "$case_dir/peer.toml"
        wait $!
        teardown_check "$KIND" "$backend" "$FIXTURE" "$l" "$bdir/local" "$IFNAME"
    fi
    # Keep the evidence of failures on the console.
    if [[ ${VERBOSE_FAIL:-1} == 1 && $ok == 0 ]]; then
        echo "--- $FIXTURE/$backend local log" >&2; tail -n 30 "$llog" >&2
        echo "--- $FIXTURE/$backend remote log" >&2; tail -n 30 "$rlog" >&2
    fi
    networkd_stop "$l"; networkd_stop "$r"
    underlay_down "$l" "$x" "$r"
    # where the time went: underlay, bringing both ends up, the checks
    echo "guest: $FIXTURE/$backend took $((SECONDS - t0))s (underlay $((t1 - t0))s, up $((t2 - t1))s, checks $((SECONDS - t2))s)" >&2
}

# One-off: record host states for status's unit tests (E2E_CAPTURE=1, capture-states.sh).
if [[ -f /e2e/capture-states.sh ]]; then
    source /e2e/capture-states.sh
    capture_states
fi

# Cases are independent (own namespaces, own networkd, own mount namespace), so a few run
# at once: most of a case's time is waiting for handshakes, DAD and networkd.
source /e2e/bgp.sh
# the remote end from nothing but a handoff folder (handoff.sh), long like the BGP cases
source /e2e/handoff.sh
for case_dir in "$CASES"/*/; do
    [[ -f ${case_dir}handoff/handoff.env ]] || continue
    N=$((N + 1)); run_handoff_case "${case_dir%/}" "$N" &
    while (($(jobs -rp | wc -l) >= JOBS)); do wait -n; done
done
# BGP first: its cases wait longest (daemon start-up under TCG, the Established bound), so
# they overlap best with the many short tunnel cases behind them.
for case_dir in "$CASES"/*/; do
    case_dir=${case_dir%/}
    [[ -d $case_dir/bird/local && -d $case_dir/frr/local && -d $case_dir/ip/local ]] || continue
    for pair in "${BGP_PAIRS[@]}"; do
        N=$((N + 1))
        run_bgp_case "$case_dir" "$pair" "$N" &
        while (($(jobs -rp | wc -l) >= JOBS)); do wait -n; done
    done
done
for twin in bgp-password-mismatch bgp-foreign-prefix bgp-max-prefix; do
    [[ -d /e2e/negative-cases/$twin/bgp ]] || { result FAIL negative bgp "$twin" - "not rendered"; continue; }
    for pair in bird-bird frr-frr; do
        N=$((N + 1))
        run_bgp_negative "$twin" "$pair" "$N" &
        while (($(jobs -rp | wc -l) >= JOBS)); do wait -n; done
    done
done
for case_dir in "$CASES"/*/; do
    case_dir=${case_dir%/}
    for backend in ip wg-quick networkd netplan; do
        [[ -d $case_dir/$backend/local && -d $case_dir/$backend/remote ]] || continue
        N=$((N + 1))
        run_case "$case_dir" "$backend" "$N" &
        while (($(jobs -rp | wc -l) >= JOBS)); do wait -n; done
    done
done
wait

# status's twins (own namespaces) alongside the tool twins, which run one after another
source /e2e/status-negative.sh
status_twins &
[[ -x /e2e/negative.sh ]] && source /e2e/negative.sh
wait

FAILS=$(grep -c '^FAIL ' "$GUEST_LOG")
echo "E2E-DONE cases=$N failures=$FAILS" | tee -a "$RESULTS" >&2
exit $((FAILS > 0))
