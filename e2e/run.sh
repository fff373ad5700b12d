#!/bin/bash
# peergen end-to-end harness: proves that every rendered backend works with the real tools.
#
#   e2e/run.sh [tier1|tier2|all]     (default: all; run as root)
#
#   tier1  real parsers on the host: netplan generate, wg-quick strip + wg setconf on a
#          userspace wireguard-go device, systemd-networkd as a parser, sh -n, bird -p,
#          FRR's vtysh --dryrun (seconds)
#   tier2  the Debian 12 kernel under qemu (TCG): both sides of every fixture in two netns
#          with a router netns between them, installed with ip scripts / wg-quick /
#          networkd / netplan→networkd (bridged ends with the host's bridge), ping across
#          every tunnel address family, plainly and with TTL 1 as eBGP sends, check the
#          routes each end declares and that nothing else is routed; for peers with [bgp]
#          run the rendered BIRD and FRR configs in both ends (bird-bird, frr-frr,
#          bird-frr) until Established and compare the received prefixes; and set one end
#          up from nothing but a `peergen handoff` folder, as its README says (one boot,
#          minutes)
#
# Both tiers also run negative twins: broken files the real tool must reject.
# Output: one line per check on stdout, e2e/out/results.md (table), exit 1 on any failure.
# PEERGEN_E2E_REQUIRED=1 (CI) turns every missing prerequisite into a failure.
# PEERGEN_BIN=path skips `cargo build --release` and uses that binary.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$E2E_DIR/lib/deps.sh"
source "$E2E_DIR/lib/results.sh"
source "$E2E_DIR/lib/prepare.sh"
source "$E2E_DIR/lib/prepare_handoff.sh"
source "$E2E_DIR/lib/tier1.sh"
source "$E2E_DIR/lib/negative-tier1.sh"
source "$E2E_DIR/lib/tier1-bgp.sh"

what=${1:-all}
case $what in tier1 | tier2 | all) ;; *) die "usage: $0 [tier1|tier2|all]" ;; esac
[[ $(id -u) == 0 ]] || die "run as root (network namespaces, mounts)"

# Remove every namespace this harness made, even after a failure or Ctrl-C.
cleanup() {
    local ns
    for ns in $(ip netns list 2>/dev/null | awk '/^e2e-/ {print $1}'); do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf /run/peergen-e2e   # the test keys (the VM has its own copy)
}
trap cleanup EXIT

mkdir -p "$OUT_DIR" "$CACHE_DIR"
: >"$RESULTS_TXT"
start=$SECONDS
apt_ensure "${E2E_APT_PACKAGES[@]}"
build_peergen
export PEERGEN   # tier 2 copies it into the VM for `peergen status`
prepare_cases
prepare_handoffs
prepare_negative_renders
log "prepared and rendered in $((SECONDS - start))s"

t1="" t2=""
if [[ $what == tier1 || $what == all ]]; then
    s=$SECONDS
    run_tier1
    tier1_bgp
    tier1_bgp_negative
    t1="$((SECONDS - s))s"
    log "tier 1 took $t1"
fi
if [[ $what == tier2 || $what == all ]]; then
    s=$SECONDS
    if [[ ! -e /dev/net/tun && ${PEERGEN_E2E_REQUIRED:-0} != 1 ]]; then
        skip_or_fail "tier 2 needs /dev/net/tun"
    else
        "$E2E_DIR/tier2/vm.sh" "$OUT_DIR/cases" "$OUT_DIR/tier2-results.txt"
        while read -r st kind backend check fixture msg; do
            result "$st" 2 "$kind" "$backend" "$check" "$fixture" ${msg:+"$msg"}
        done <"$OUT_DIR/tier2-results.txt"
        # a VM that ran nothing must not look green
        grep -q '^PASS [a-z0-9]* [a-z-]* ipv' "$OUT_DIR/tier2-results.txt" ||
            result FAIL 2 tier2 vm ping - "no tunnel ping passed at all"
        # nor one whose underlay was never proved to cross a router
        grep -q '^PASS [a-z0-9]* [a-z-]* routed' "$OUT_DIR/tier2-results.txt" ||
            result FAIL 2 tier2 vm routed - "no case proved a router between the ends"
        # nor one where no BGP session came up
        grep -q '^PASS [a-z0-9]* [a-z]*-[a-z]* bgp-up' "$OUT_DIR/tier2-results.txt" ||
            result FAIL 2 tier2 vm bgp-up - "no BGP session was Established"
        # nor one that skipped the handoffs prepared for it
        if compgen -G "$OUT_DIR/cases/*/handoff/handoff.env" >/dev/null; then
            grep -q '^PASS [a-z0-9]* handoff-ip ipv' "$OUT_DIR/tier2-results.txt" ||
                result FAIL 2 tier2 vm handoff - "no tunnel set up from a handoff passed a ping"
        fi
    fi
    t2="$((SECONDS - s))s"
    log "tier 2 took $t2"
fi
write_summary "$t1" "$t2"
