#!/usr/bin/env bash
# Writes the render target's seed corpus from fixtures/: every peer file in raw mode
# (first byte 0), and every valid fixture in structured mode without edits (first byte 1,
# second byte its index in file name order, as fuzz/src/input.rs picks them).
set -euo pipefail
# Byte order, as the harness sorts file names.
export LC_ALL=C
cd "$(dirname "$0")/.."
out=fuzz/corpus/render
mkdir -p "$out"
for f in fixtures/valid/*.toml fixtures/invalid/*.toml fuzz/regressions/*.toml; do
    [ -e "$f" ] || continue
    { printf '\000'; cat "$f"; } >"$out/raw-$(basename "$f" .toml)"
done
i=0
for f in fixtures/valid/*.toml; do
    printf "\\001\\$(printf '%03o' "$i")" >"$out/fixture-$(basename "$f" .toml)"
    i=$((i + 1))
done
