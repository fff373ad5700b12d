# Shared helpers for the e2e harness (sourced by run.sh and the tier scripts).
# Paths, logging, and the strict/skip policy live here so every script behaves the same.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_DIR=$(cd "$E2E_DIR/.." && pwd)
CACHE_DIR=${E2E_CACHE_DIR:-$E2E_DIR/cache}
OUT_DIR=${E2E_OUT_DIR:-$E2E_DIR/out}
# Key files are referenced by absolute path from rendered files, so they live at a fixed
# path that exists both on the host (tier 1) and inside the VM (tier 2).
KEY_DIR=/run/peergen-e2e/keys
PEERGEN=${PEERGEN:-${CARGO_TARGET_DIR:-$REPO_DIR/target}/release/peergen}   # where cargo puts it

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[e2e] ERROR: %s\n' "$*" >&2; exit 1; }

# A missing prerequisite is a skip locally but a failure in CI (PEERGEN_E2E_REQUIRED=1):
# a harness that silently skips proves nothing.
skip_or_fail() {
    if [[ ${PEERGEN_E2E_REQUIRED:-0} == 1 ]]; then
        die "required but unavailable: $*"
    fi
    log "SKIP: $*"
    return 0
}
