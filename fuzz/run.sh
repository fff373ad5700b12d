#!/usr/bin/env bash
# Runs the render fuzz target for a bounded time: `fuzz/run.sh SECONDS [libFuzzer args…]`.
# Installs cargo-fuzz (and the nightly toolchain it needs) when missing, seeds the corpus
# from fixtures/, and fails on any finding; a finding's input lands in
# fuzz/artifacts/render/ and the peer file it stands for is printed.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-180}"
shift || true

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked --quiet
fi

bash seed.sh
mkdir -p artifacts/render
# Findings of earlier runs stay; only this run's are shown at the end.
stamp=$(mktemp)
trap 'rm -f "$stamp"' EXIT
# No sanitizer: peergen forbids unsafe code, so AddressSanitizer would mostly slow the
# target down. Debug assertions (overflow checks) stay on, cargo fuzz's default.
if cargo +nightly fuzz run --sanitizer none render corpus/render -- \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -dict=render.dict \
    -print_final_stats=1 "$@"; then
    exit 0
fi
find artifacts/render -type f -newer "$stamp" | sort | while read -r a; do
    printf '\n=== %s stands for this peer file:\n' "$a"
    cargo +nightly run -q --bin peer-file -- "$a" || true
done
exit 1
