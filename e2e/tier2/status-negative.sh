# Tier-2 negative twins for `peergen status`, sourced by guest.sh (uses its helpers).
# Each twin brings up a real case with peergen's own ip scripts (both ends, routed
# underlay), proves `peergen status` calls it healthy, breaks it in one way an operator
# could, and then `peergen status --json` must exit 1 and name that specific check:
#
#   mtu          `ip link set dev IF mtu M-8`                         → mtu
#   private-key  `wg set IF private-key OTHER`                         → private-key
#   handshake    the remote end's device deleted, the last handshake
#                older than `--handshake-max-age 2`                    → handshake
#   link         the device deleted                                    → link
#   vni          the VXLAN re-created with another id                  → vni
#
# Lines: PASS|FAIL negative status TWIN - [the checks status reported]
# The twins run concurrently, each in its own three namespaces (sl/sx/srN).

twin_result() { # PASS|FAIL TWIN [MESSAGE]
    result "$1" negative status "$2" - "${@:3}"
}

# The first prepared case of KIND that the twins can use: ip scripts rendered for both
# ends, no bridge, a literal remote endpoint (so a WireGuard local end dials) and remote
# tunnel addresses to ping.
status_twin_case() { # KIND
    local d
    for d in /e2e/cases/*/; do
        d=${d%/}
        [[ -d $d/ip/local && -d $d/ip/remote ]] || continue
        (
            source "$d/case.env"
            [[ $KIND == "$1" && -z $LOCAL_BRIDGE$REMOTE_BRIDGE && -n $REMOTE_EP && -z $REMOTE_HOST && -n $REMOTE_TUNNEL_ADDRS ]]
        ) && { echo "$d"; return 0; }
    done
    return 1
}

# Both ends of CASE_DIR up in sl/sx/srN from its ip scripts; sets l, r, IFNAME and the
# case's variables in the caller (a twin's own subshell).
status_twin_up() { # CASE_DIR N
    local d=$1 n=$2
    source "$d/case.env"
    l=sl$n x=sx$n r=sr$n
    underlay_up "$l" "$x" "$r" "$LOCAL_EP" "$REMOTE_EP" "${UNDERLAY_MTU:-1500}" >"$WORK/s$n.ul.log" 2>&1 &&
        ip netns exec "$r" sh "$(ls "$d"/ip/remote/*.up.sh | head -n1)" >"$WORK/s$n.log" 2>&1 &&
        ip netns exec "$l" sh "$(ls "$d"/ip/local/*.up.sh | head -n1)" >>"$WORK/s$n.log" 2>&1 &&
        settle "$r" "$IFNAME" "$REMOTE_TUNNEL_ADDRS" && settle "$l" "$IFNAME" "$LOCAL_TUNNEL_ADDRS"
}

# `peergen status --side local --json` in NS; prints "RC CHECKS..." then the findings.
status_twin_run() { # NS PEER [STATUS_ARGS...]
    local ns=$1 peer=$2 out rc=0
    shift 2
    # --no-bgp: the twins break the tunnel with no BGP daemon running (bgp.sh has that twin)
    out=$(ip netns exec "$ns" "$PEERGEN" status --side local --no-bgp --json "$@" "$peer" 2>&1) || rc=$?
    echo "$rc $(status_checks "$out")"
    status_findings "$out"
}

# One twin: CASE_DIR's tunnel up, healthy by status, then BREAK (a function run with l, r,
# IFNAME set), then status (with STATUS_ARGS) must exit 1 naming WANT.
status_twin() { # TWIN CASE_DIR N WANT BREAK [STATUS_ARGS...]
    local twin=$1 d=$2 n=$3 want=$4 break=$5 l x r before after rc checks t0=$SECONDS
    shift 5
    [[ -n $d ]] || { twin_result FAIL "$twin" "no prepared case of the kind this twin needs"; return; }
    if ! status_twin_up "$d" "$n"; then
        twin_result FAIL "$twin" "$(basename "$d"): setting up failed: $(tail -n 3 "$WORK/s$n.ul.log" "$WORK/s$n.log" 2>/dev/null)"
        underlay_down "$l" "$x" "$r"
        return
    fi
    # WireGuard only shakes hands when there is traffic: one ping first.
    [[ $KIND == wireguard ]] && tunnel_ping "$l" "$IFNAME" "${REMOTE_TUNNEL_ADDRS%%/*}" "$PING_DEADLINE" >/dev/null
    before=$(status_twin_run "$l" "$d/peer.toml")
    if [[ ${before%% *} != 0 ]]; then
        twin_result FAIL "$twin" "$(basename "$d"): not healthy before the change: $before"
    else
        "$break"
        after=$(status_twin_run "$l" "$d/peer.toml" "$@")
        rc=${after%% *} checks=$(head -n1 <<<"${after#* }")
        if [[ $rc == 1 && " $checks " == *" $want "* ]]; then
            twin_result PASS "$twin" "$(basename "$d"): exit 1, checks: ${checks% } ($(tail -n +2 <<<"$after"))"
        else
            twin_result FAIL "$twin" "$(basename "$d"): expected exit 1 with $want, got exit $rc, checks: ${checks:-none} ($(tail -n +2 <<<"$after"))"
        fi
    fi
    underlay_down "$l" "$x" "$r"
    echo "guest: status twin $twin took $((SECONDS - t0))s" >&2
}

twin_break_mtu() {
    local mtu
    mtu=$(ip -n "$l" -o link show dev "$IFNAME" | grep -oE 'mtu [0-9]+' | awk '{print $2}')
    ip -n "$l" link set dev "$IFNAME" mtu $((mtu - 8))
}
twin_break_private_key() {
    wg genkey >"$WORK/s$n.other.key"
    ip netns exec "$l" wg set "$IFNAME" private-key "$WORK/s$n.other.key"
}
twin_break_handshake() {
    # the other end goes away; this end's last handshake ages past the bound
    ip -n "$r" link del dev "$IFNAME"
    sleep 3
}
twin_break_link() { ip -n "$l" link del dev "$IFNAME"; }
twin_break_vni() {
    local up vni
    up=$(ls "$d"/ip/local/*.up.sh | head -n1)
    vni=$(grep -oE 'type vxlan id [0-9]+' "$up" | awk '{print $4}')
    sed -E "s/( type vxlan id )$vni /\1$((vni % 16777215 + 1)) /" "$up" >"$WORK/s$n.up.sh"
    ip -n "$l" link del dev "$IFNAME"
    ip netns exec "$l" sh "$WORK/s$n.up.sh" >>"$WORK/s$n.log" 2>&1
    settle "$l" "$IFNAME" "$LOCAL_TUNNEL_ADDRS"
}

status_twins() {
    local wgc vxc
    wgc=$(status_twin_case wireguard) vxc=$(status_twin_case vxlan)
    status_twin mtu "$vxc" 901 mtu twin_break_mtu &
    status_twin private-key "$wgc" 902 private-key twin_break_private_key &
    status_twin handshake "$wgc" 903 handshake twin_break_handshake --handshake-max-age 2 &
    status_twin link "$vxc" 904 link twin_break_link &
    status_twin vni "$vxc" 905 vni twin_break_vni &
    wait
}
