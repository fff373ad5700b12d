# Recorded host states for `peergen status`'s unit tests, captured on the tier-2 kernel
# (sourced by guest.sh when the run asks for it: E2E_CAPTURE=1, see
# fixtures/status/README.md). The development host's kernel has no GRE or SIT drivers; the
# VM has them. Each state: the fixture's local end made by peergen's own ip script in a
# namespace with the routed underlay, changed as the state's name says, then recorded by
# fixtures/status/capture.sh (here /e2e/status-capture.sh). All states go to the results
# line as one base64 tar.gz: `CAPTURE <base64>`; fixtures/status/import-captures.sh
# unpacks it into fixtures/status/.
#
# state            fixture                 change
CAPTURE_STATES=(
    "gre-healthy        gre-key-p2p            -"
    "gre-wrong-key      gre-key-p2p            s/ key 4242/ key 4243/"
    "gre-inherit-ttl    gre-key-p2p            s/ ttl 64 / ttl inherit /"
    "ip6gre-healthy     ip6gre-no-encap-limit  -"
    "ip6gre-encap-limit ip6gre-no-encap-limit  s/ encaplimit none//"
    "sit-healthy        sit-6in4               rp_filter=1"
    "gretap-healthy     gretap-bridge          -"
    "gretap-no-bridge   gretap-bridge          nomaster"
    "gre-netplan-p2p    gre-key-p2p            s| peer [^ ]+||;\$a ip route add 172.31.21.2/32 dev gre-keyed proto static scope link"
)
# gre-netplan-p2p is what networkd makes of peergen's netplan file: the plain /32 and the
# on-link route to the other end (netplan has no peer form, docs/backends/netplan.md).
# More arguments for capture.sh, per state:
declare -A CAPTURE_ARGS=(
    [gre-netplan-p2p]="--route 254 172.31.21.2/32"
)
CAPTURE_DIR=$WORK/captures

capture_state() { # STATE FIXTURE CHANGE N
    local state=$1 fixture=$2 change=$3 n=$4 d=/e2e/cases/$2 l x r up
    [[ -d $d/ip/local ]] || { result FAIL capture ip "$state" "$fixture" "no case $fixture (not in E2E_FIXTURES_DIR?)"; return; }
    (
        source "$d/case.env"
        l=cl$n x=cx$n r=cr$n
        up=$WORK/c$n.up.sh
        if [[ $change == s[/\|]* ]]; then sed -E "$change" "$d"/ip/local/*.up.sh; else cat "$d"/ip/local/*.up.sh; fi >"$up"
        if underlay_up "$l" "$x" "$r" "$LOCAL_EP" "$REMOTE_EP" "${UNDERLAY_MTU:-1500}" >"$WORK/c$n.log" 2>&1 &&
            { [[ -z $LOCAL_BRIDGE ]] || ip -n "$l" -batch - <<<"link add $LOCAL_BRIDGE type bridge
link set $LOCAL_BRIDGE up"; } &&
            ip netns exec "$l" sh "$up" >>"$WORK/c$n.log" 2>&1 &&
            settle "$l" "$IFNAME" "$LOCAL_TUNNEL_ADDRS"; then
            case $change in
            rp_filter=*) ip netns exec "$l" sysctl -q -w "net.ipv4.conf.$IFNAME.rp_filter=${change#*=}" ;;
            nomaster) ip -n "$l" link set dev "$IFNAME" nomaster ;;
            esac
            # wait out DAD and the kernel's link-local address, as a host in service has them
            sleep 2
            if ip netns exec "$l" sh /e2e/status-capture.sh "$CAPTURE_DIR/$state" "$IFNAME" "$REMOTE_EP" ${CAPTURE_ARGS[$state]:-} >>"$WORK/c$n.log" 2>&1; then
                result PASS capture ip "$state" "$fixture" "$(grep -m1 'link add' "$up")"
            else
                result FAIL capture ip "$state" "$fixture" "capture.sh failed: $(tail -n 3 "$WORK/c$n.log")"
            fi
        else
            result FAIL capture ip "$state" "$fixture" "setting up failed: $(tail -n 3 "$WORK/c$n.log")"
        fi
        underlay_down "$l" "$x" "$r"
    )
}

capture_states() {
    local line state fixture change n=950
    rm -rf "$CAPTURE_DIR" && mkdir -p "$CAPTURE_DIR"
    for line in "${CAPTURE_STATES[@]}"; do
        read -r state fixture change <<<"$line"
        n=$((n + 1))
        capture_state "$state" "$fixture" "$change" "$n" &
    done
    wait
    echo "CAPTURE $(tar -C "$CAPTURE_DIR" -czf - . | base64 | tr -d '\n')" >>"$RESULTS"
}
