# Tier-2 negative twins, sourced by guest.sh at the end of the run (uses its helpers).
# Each must be rejected by the real tool, or must not pass traffic; see e2e/negative/README.md.
# Lines: PASS|FAIL negative BACKEND TWIN - [what the tool said]

NEG=/e2e/negative
NEG_PING_DEADLINE=5

neg_result() { # PASS|FAIL BACKEND TWIN [MESSAGE]
    result "$1" negative "$2" "$3" - "${@:4}"
}

neg_ip6gre_ipv4() {
    local ns=neg1 out
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    out=$(ip netns exec "$ns" sh "$NEG/ip6gre-ipv4.up.sh" 2>&1)
    if [[ $? -ne 0 && $out == *"inet6 address is expected"* ]]; then
        neg_result PASS ip ip6gre-ipv4-endpoints "$out"
    else
        neg_result FAIL ip ip6gre-ipv4-endpoints "expected 'inet6 address is expected', got: ${out:-success}"
    fi
    ip netns del "$ns"
}

neg_networkd_not_independent() {
    local l=neg2l x=neg2x r=neg2r
    underlay_up "$l" "$x" "$r" 198.51.100.10 203.0.113.20
    networkd_start "$l" "$NEG/networkd-not-independent" "$WORK/neg2.log"
    # networkd configures a netdev within a second or two when it creates it at all
    if SETTLE_TIMEOUT=6 settle "$l" neg-gre ""; then
        neg_result FAIL networkd gre-without-Independent "networkd created neg-gre without Independent=yes"
    else
        neg_result PASS networkd gre-without-Independent "neg-gre never created"
    fi
    networkd_stop "$l"
    underlay_down "$l" "$x" "$r"
}

neg_vxlan_vni_mismatch() {
    local l=neg3l x=neg3x r=neg3r out
    underlay_up "$l" "$x" "$r" 198.51.100.10 203.0.113.20
    ip netns exec "$l" sh "$NEG/vxlan-vni-mismatch/local.up.sh" &&
        ip netns exec "$r" sh "$NEG/vxlan-vni-mismatch/remote.up.sh" || {
        neg_result FAIL ip vxlan-vni-mismatch "setting up the twin failed"; return; }
    settle "$l" neg-vxlan 172.31.98.1/29
    if out=$(ip netns exec "$l" ping -c 1 -w "$NEG_PING_DEADLINE" 172.31.98.2 2>&1); then
        neg_result FAIL ip vxlan-vni-mismatch "ping got through different VNIs"
    else
        neg_result PASS ip vxlan-vni-mismatch "ping failed: $(echo "$out" | grep -m1 'packet loss')"
    fi
    underlay_down "$l" "$x" "$r"
}

neg_wg_wrong_key() {
    local l=neg4l x=neg4x r=neg4r kl kr out d=$WORK/neg4
    mkdir -p "$d/l" "$d/r"
    kl=$(wg genkey); kr=$(wg genkey)
    underlay_up "$l" "$x" "$r" 198.51.100.10 203.0.113.20
    cat >"$d/l/neg-wg.conf" <<CONF
[Interface]
PrivateKey = $kl
Address = 172.31.96.0/31
ListenPort = 51900
[Peer]
PublicKey = $(wg genkey | wg pubkey)
AllowedIPs = 172.31.96.0/31
Endpoint = 203.0.113.20:51900
CONF
    cat >"$d/r/neg-wg.conf" <<CONF
[Interface]
PrivateKey = $kr
Address = 172.31.96.1/31
ListenPort = 51900
[Peer]
PublicKey = $(echo "$kl" | wg pubkey)
AllowedIPs = 172.31.96.0/31
Endpoint = 198.51.100.10:51900
CONF
    chmod 600 "$d"/*/neg-wg.conf
    ip netns exec "$r" wg-quick up "$d/r/neg-wg.conf" >/dev/null 2>&1 &&
        ip netns exec "$l" wg-quick up "$d/l/neg-wg.conf" >/dev/null 2>&1 || {
        neg_result FAIL wg-quick wireguard-wrong-peer-key "setting up the twin failed"; return; }
    if out=$(ip netns exec "$l" ping -c 1 -w "$NEG_PING_DEADLINE" 172.31.96.1 2>&1); then
        neg_result FAIL wg-quick wireguard-wrong-peer-key "ping got through with a wrong peer key"
    else
        neg_result PASS wg-quick wireguard-wrong-peer-key "ping failed: $(echo "$out" | grep -m1 'packet loss')"
    fi
    underlay_down "$l" "$x" "$r"
}

neg_gre_mtu_too_big() {
    local l=neg5l x=neg5x r=neg5r out
    underlay_up "$l" "$x" "$r" 198.51.100.10 203.0.113.20
    # (variables via ip's environment: busybox env would exec busybox's own sh and ip)
    out=$({ LOCAL=198.51.100.10 REMOTE=203.0.113.20 ADDR=172.31.95.1/30 ip netns exec "$l" sh "$NEG/gre-mtu-too-big.up.sh" &&
        LOCAL=203.0.113.20 REMOTE=198.51.100.10 ADDR=172.31.95.2/30 ip netns exec "$r" sh "$NEG/gre-mtu-too-big.up.sh"; } 2>&1) || {
        neg_result FAIL ip gre-mtu-too-big "setting up the twin failed: $out"; return; }
    settle "$l" neg-gre 172.31.95.1/30
    # the same DF ping mtu_check uses: it must fail when the MTU is wrong
    if out=$(ip netns exec "$l" ping -c 1 -w "$NEG_PING_DEADLINE" -M "do" -s 1472 172.31.95.2 2>&1); then
        neg_result FAIL ip gre-mtu-too-big "a 1500-byte DF packet crossed a GRE tunnel over a 1500 underlay"
    else
        neg_result PASS ip gre-mtu-too-big "$(echo "$out" | grep -v '^PING' | head -n 1)"
    fi
    underlay_down "$l" "$x" "$r"
}

neg_gre_ttl_inherit() {
    local l=neg6l x=neg6x r=neg6r out
    underlay_up "$l" "$x" "$r" 198.51.100.10 203.0.113.20
    out=$({ LOCAL=198.51.100.10 REMOTE=203.0.113.20 ADDR=172.31.94.1/30 ip netns exec "$l" sh "$NEG/gre-ttl-inherit.up.sh" &&
        LOCAL=203.0.113.20 REMOTE=198.51.100.10 ADDR=172.31.94.2/30 ip netns exec "$r" sh "$NEG/gre-ttl-inherit.up.sh"; } 2>&1) || {
        neg_result FAIL ip gre-ttl-inherit "setting up the twin failed: $out"; underlay_down "$l" "$x" "$r"; return; }
    settle "$l" neg-gre 172.31.94.1/30
    # the twin must carry ordinary traffic, else a lost TTL-1 ping would prove nothing;
    # then the same TTL-1 ping the cases send must be lost at the router
    if ! out=$(tunnel_ping "$l" neg-gre 172.31.94.2 "$PING_DEADLINE"); then
        neg_result FAIL ip gre-ttl-inherit "the twin passes no traffic at all: $(echo "$out" | grep -m1 'packet loss')"
    elif out=$(tunnel_ping "$l" neg-gre 172.31.94.2 "$TTL1_DEADLINE" -t 1); then
        neg_result FAIL ip gre-ttl-inherit "a TTL-1 ping crossed a ttl-inherit tunnel with a router in between"
    else
        neg_result PASS ip gre-ttl-inherit "plain ping crossed, ping -t 1 lost: $(echo "$out" | grep -m1 'packet loss')"
    fi
    underlay_down "$l" "$x" "$r"
}

# The same, from a peer file: e2e/negative/gre-ttl-inherit.toml with `ttl = "inherit"`,
# rendered by peergen for the ip backend (both sides). Proves that what peergen renders for
# inherit really inherits, and so that the fixed default TTL is what makes the cases pass.
neg_rendered_ttl_inherit() {
    local l=neg7l x=neg7x r=neg7r out d=/e2e/negative-cases/gre-ttl-inherit/ip lf rf
    lf=$(ls "$d"/local/*.up.sh 2>/dev/null | head -n1); rf=$(ls "$d"/remote/*.up.sh 2>/dev/null | head -n1)
    [[ -n $lf && -n $rf ]] || { neg_result FAIL ip gre-ttl-inherit-rendered "peergen rendered no ip scripts in $d"; return; }
    if ! grep -q 'ttl inherit' "$lf"; then
        neg_result FAIL ip gre-ttl-inherit-rendered "the rendered script does not say ttl inherit: $(grep -m1 'link add' "$lf")"; return
    fi
    underlay_up "$l" "$x" "$r" 198.51.100.10 203.0.113.20
    out=$({ ip netns exec "$r" sh "$rf" && ip netns exec "$l" sh "$lf"; } 2>&1) || {
        neg_result FAIL ip gre-ttl-inherit-rendered "the rendered scripts failed: $out"; underlay_down "$l" "$x" "$r"; return; }
    settle "$r" neg-inherit 172.31.93.2/30
    settle "$l" neg-inherit 172.31.93.1/30
    if ! out=$(tunnel_ping "$l" neg-inherit 172.31.93.2 "$PING_DEADLINE"); then
        neg_result FAIL ip gre-ttl-inherit-rendered "the twin passes no traffic at all: $(echo "$out" | grep -m1 'packet loss')"
    elif out=$(tunnel_ping "$l" neg-inherit 172.31.93.2 "$TTL1_DEADLINE" -t 1); then
        neg_result FAIL ip gre-ttl-inherit-rendered "a TTL-1 ping crossed peergen's ttl-inherit tunnel with a router in between"
    else
        neg_result PASS ip gre-ttl-inherit-rendered "$(grep -m1 -o 'ip link add.*' "$lf"); plain ping crossed, ping -t 1 lost: $(echo "$out" | grep -m1 'packet loss')"
    fi
    underlay_down "$l" "$x" "$r"
}

# The routes check must see each kind of mistake: a route with the wrong metric, one
# missing from its table, one the fixture does not name, and a route for allowed IPs.
neg_routes() {
    local ns=neg8 out want miss=""
    ip netns add "$ns"
    ip -n "$ns" -batch - <<BATCH
link add neg-rt type veth peer name neg-rt-peer
link set neg-rt up
link set neg-rt-peer up
route add 192.0.2.0/25 dev neg-rt metric 5
route add 198.51.100.0/24 dev neg-rt
route add 10.20.0.2 dev neg-rt
BATCH
    out=$(side_routes "$ns" neg-rt "4,192.0.2.0/25,254,0,- 6,2001:db8:21::/48,100,100,-" "" "4,10.20.0.2")
    for want in "192.0.2.0/25 table 254 has metric 5, not 0" "no route 2001:db8:21::/48 dev neg-rt in table 100" \
        "not in the fixture: " "198.51.100.0/24 table 254" "allowed IPs 10.20.0.2 routed"; do
        [[ $out == *"$want"* ]] || miss+="'$want' "
    done
    if [[ -n $miss ]]; then
        neg_result FAIL ip routes-wrong "the routes check missed $miss; it said: ${out:-nothing}"
    else
        neg_result PASS ip routes-wrong "$out"
    fi
    ip netns del "$ns"
}

neg_ip6gre_ipv4
neg_gre_mtu_too_big
neg_routes
neg_rendered_ttl_inherit
neg_gre_ttl_inherit
neg_networkd_not_independent
neg_vxlan_vni_mismatch
neg_wg_wrong_key
