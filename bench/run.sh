#!/usr/bin/env bash
# peergen's performance benchmark (a benchmark, not a test: it reports, it never gates CI).
#
#   bash bench/run.sh            # or: just bench
#
# Builds the release binary, generates synthetic peers into a temporary directory (never
# inside the repository), and measures, each against a reference timed in the same run:
#   1. 2,000 tunnels (1,000 GRE + 1,000 WireGuard) rendered to systemd-networkd files:
#      at most 0.5x netplan's generator turning the same tunnels (YAML) into networkd
#      files, and at most 1.5x `cp -r` of the same output tree.
#   2. 10,000 peers rendered for every backend `peergen render --help` lists: at most
#      1.5x `cp -r` of the same output tree; peak RSS under 100 MiB.
#   3. Rendering CPU (stdout): at most 20 us per peer per backend.
#   4. One peer end to end (parse, render, write a fresh folder): under 5 ms.
#   5. Rendering into an up-to-date folder: no slower than reading that folder.
# and writes the results table to bench/out/results.md (git-ignored).
#
# Environment:
#   BENCH_RUNS        hyperfine runs for the large targets (default 10)
#   BENCH_SMALL_RUNS  hyperfine runs for the one-peer target (default 200)
#   BENCH_DIR         where to generate peers and write output (default: a new directory
#                     under ${TMPDIR:-/var/tmp}, removed afterwards; /var/tmp because /tmp
#                     may be tmpfs, and rendered files normally land on a disk)
#   BENCH_KEEP=1      keep that directory
#   BENCH_PEERGEN     a peergen binary to measure instead of building this tree (e.g. a
#                     copy of an earlier build, for before/after comparisons)
#   BENCH_BACKENDS    comma-separated backends for target 2 (default: every backend in
#                     `peergen render --help`)
#
# Needs: cargo, python3, hyperfine, GNU time (/usr/bin/time), xargs, and netplan's generator
# (/usr/libexec/netplan/generate, package netplan.io) for target 1.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
RESULTS_DIR=$REPO/bench/out
RUNS=${BENCH_RUNS:-10}
SMALL_RUNS=${BENCH_SMALL_RUNS:-200}
NETPLAN_GENERATE=${NETPLAN_GENERATE:-/usr/libexec/netplan/generate}
GNU_TIME=/usr/bin/time

missing=()
command -v hyperfine >/dev/null || missing+=("hyperfine (apt-get install -y hyperfine)")
[ -x "$GNU_TIME" ] || missing+=("GNU time at /usr/bin/time (apt-get install -y time)")
command -v python3 >/dev/null || missing+=("python3")
[ -x "$NETPLAN_GENERATE" ] || missing+=("netplan's generator $NETPLAN_GENERATE (apt-get install -y netplan.io)")
if [ ${#missing[@]} -gt 0 ]; then
    printf 'bench: missing %s\n' "${missing[@]}" >&2
    exit 2
fi

if [ -n "${BENCH_PEERGEN:-}" ]; then
    PEERGEN=$(realpath "$BENCH_PEERGEN")
else
    echo "bench: cargo build --release" >&2
    cargo build --release --quiet
    PEERGEN=${CARGO_TARGET_DIR:-$REPO/target}/release/peergen
fi

if [ -n "${BENCH_DIR:-}" ]; then
    WORK=$BENCH_DIR
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/peergen-bench.XXXXXX")
fi
cleanup() {
    # The moved-aside outputs (hundreds of thousands of files) go last, after the report:
    # deleting them can take minutes on a busy disk.
    rm -rf "$WORK/trash"
    if [ -z "${BENCH_KEEP:-}" ] && [ -z "${BENCH_DIR:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
mkdir -p "$RESULTS_DIR"
cd "$WORK"
echo "bench: working in $WORK" >&2

# The backends this binary has, from its own help ("Possible values:" of --backend), so
# new backends are measured as soon as they exist.
BACKENDS=${BENCH_BACKENDS:-$("$PEERGEN" render --help | awk '
    /^ *-b, --backend/ { inb = 1; next }
    inb && /Possible values:/ { pv = 1; next }
    pv && /^ *- [a-z0-9-]+:/ { sub(/^ *- /, ""); sub(/:.*/, ""); printf "%s%s", sep, $0; sep = ","; next }
    pv { exit }')}
if [ -z "$BACKENDS" ]; then
    echo "bench: could not read the backends from peergen render --help" >&2
    exit 1
fi
# BIRD and FRR render the BGP session: give the peers one when those backends exist.
BGP_FLAG=""
case ",$BACKENDS," in *,bird,* | *,frr,*) BGP_FLAG=--bgp ;; esac
echo "bench: backends $BACKENDS${BGP_FLAG:+ (peers with a BGP session)}" >&2

# Synthetic peers (deterministic). Relative paths keep the argument lists short.
python3 "$REPO/bench/gen-peers.py" --out t1 --gre 1000 --wireguard 1000 --netplan
python3 "$REPO/bench/gen-peers.py" --out t2 --gre 5000 --wireguard 5000 $BGP_FLAG
for list in t1/*.list t2/*.list; do sed -i 's|^t[12]/||' "$list"; done

# All paths in ONE peergen invocation: -n huge with -x makes xargs fail rather than split.
ARGMAX=$(($(getconf ARG_MAX) - 65536))
XARGS="xargs -x -n 1000000 -s $ARGMAX"

# The one-peer target uses a copy of the bundled fixture.
cp "$REPO/fixtures/valid/wireguard-bgp.toml" one.toml

# Does a multi-backend run tolerate backends that do not apply to a GRE peer (wg-quick)?
first_other=$(head -n1 t2/peers-other.list)
OTHER_BACKENDS=$(printf '%s' "$BACKENDS" | tr ',' '\n' | grep -vx wg-quick | paste -sd, -)
if (cd t2 && "$PEERGEN" render --backend "$BACKENDS" "$first_other" >/dev/null 2>&1); then
    T2_MODE="one run: --backend $BACKENDS over all 10,000 peers"
    cat >t2/render-all.sh <<EOF
#!/bin/sh
set -e
cd "\$(dirname "\$0")"
# \$1: output directory; empty: print to stdout.
if [ -n "\$1" ]; then set -- --out "\$1"; else set --; fi
$XARGS -a peers.list "$PEERGEN" render --backend $BACKENDS "\$@"
EOF
else
    T2_MODE="two runs (this CLI rejects wg-quick for non-WireGuard peers): 5,000 WireGuard peers with --backend $BACKENDS, then 5,000 GRE peers with --backend $OTHER_BACKENDS"
    cat >t2/render-all.sh <<EOF
#!/bin/sh
set -e
cd "\$(dirname "\$0")"
# \$1: output directory; empty: print to stdout.
if [ -n "\$1" ]; then set -- --out "\$1"; else set --; fi
$XARGS -a peers-wireguard.list "$PEERGEN" render --backend $BACKENDS "\$@"
$XARGS -a peers-other.list "$PEERGEN" render --backend $OTHER_BACKENDS "\$@"
EOF
fi
chmod +x t2/render-all.sh
echo "bench: target 2 mode: $T2_MODE" >&2
# Peer x backend pairs rendered in target 2 (for CPU per peer per backend): wg-quick
# applies to WireGuard peers only, every other backend to every peer.
n_backends=$(printf '%s' "$BACKENDS" | tr ',' '\n' | grep -c .)
n_other=$(printf '%s' "$OTHER_BACKENDS" | tr ',' '\n' | grep -c . || true)
T2_PAIRS=$((5000 * n_backends + 5000 * n_other))
T1_PAIRS=2000

# A fresh output directory for every run, and nothing dirty left in the page cache, so
# every run (peergen's, netplan's and cp's alike) starts from the same state. Old outputs
# are moved aside, not deleted: right after thousands of files are deleted, ext4's inode
# allocator scans past the recently freed inodes (recently_deleted() in perf), which
# cost every tool ~0.9 s of kernel time per run here and measured the file system's
# state, not the tools. The trash is deleted after the timings.
mkdir -p trash
# A script, not a shell function: the timing harness runs its prepare step through sh,
# which does not inherit bash's exported functions.
cat >aside.sh <<'EOF'
#!/bin/sh
# PATH...: move each to trash/ under a unique name, if present.
i=0
for p in "$@"; do
    i=$((i + 1))
    if [ -e "$p" ]; then mv "$p" "trash/$(date +%s%N)-$$-$i"; fi
done
EOF
chmod +x aside.sh
prepare() { printf "cd %s && ./aside.sh %s && sync" "$PWD" "$*"; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# Sanity check, once, outside the timings: both sides produce 2 files per tunnel. The
# outputs stay as the sources of the `cp -r` references (t1/ref, t2/ref).
rm -rf t1/ref t2/ref t1/netplan-root/run
(cd t1 && $XARGS -a peers.list "$PEERGEN" render --backend networkd --out ref >/dev/null)
"$NETPLAN_GENERATE" --root-dir t1/netplan-root
t1_peergen_files=$(find t1/ref/systemd/network -type f | wc -l)
t1_netplan_files=$(find t1/netplan-root/run/systemd/network -type f | wc -l)
if [ "$t1_peergen_files" != 4000 ] || [ "$t1_netplan_files" != 4000 ]; then
    echo "bench: expected 4000 networkd files from each, got peergen $t1_peergen_files, netplan $t1_netplan_files" >&2
    exit 1
fi
t2/render-all.sh ref >/dev/null
t2_files=$(find t2/ref -type f ! -name .peergen-manifest | wc -l)

interleave() { python3 "$REPO/bench/interleave.py" "$@"; }

echo "bench: target 1 (2,000 tunnels to networkd: netplan generate, peergen, cp -r; interleaved)" >&2
# Interleaved (netplan, peergen, cp, netplan, ...): this machine's disk speed drifts, and
# a comparison must not depend on which command ran during the slow minute.
interleave --warmup 2 --runs "$RUNS" \
    --prepare "$(prepare t1/out t1/netplan-root/run t1/cp)" \
    --export-json "$RESULTS_DIR/t1.json" \
    "netplan generate" "$NETPLAN_GENERATE --root-dir t1/netplan-root" \
    "peergen networkd --out" "cd t1 && $XARGS -a peers.list $PEERGEN render --backend networkd --out out" \
    "cp -r" "cp -r t1/ref t1/cp"

echo "bench: target 5 (up-to-date folder vs reading it)" >&2
# The config-repo case: nothing changed, nothing is written. The reference reads every
# file of the folder once (one cat over the list of the 4,000 files and the manifest;
# peergen's own .peergen-cache is not one of them). peergen reads the peer files and its
# cache and stats each file (reading a file only when its times are too recent to trust;
# the warm-up runs make them old enough).
(cd t1/ref && find . -type f ! -name .peergen-cache | sed 's|^\./||' | sort >../ref.files)
interleave --warmup 2 --runs "$RUNS" \
    --export-json "$RESULTS_DIR/t1-uptodate.json" \
    "peergen up to date" "cd t1 && $XARGS -a peers.list $PEERGEN render --backend networkd --out ref" \
    "cat the folder" "cd t1/ref && $XARGS -a ../ref.files cat >/dev/null"

echo "bench: target 3 (rendering to stdout: CPU per peer per backend)" >&2
# The single-backend case runs peergen itself, without a shell or xargs around it
# (interleave.py --no-shell): their start-up is about a millisecond of CPU, half a
# microsecond per peer of the 2,000. A run takes 25 ms: 20 runs at least, so that one
# slow run moves the median little.
T1_STDOUT_CMD="$PEERGEN render --backend networkd $(tr '\n' ' ' <t1/peers.list)"
T1_STDOUT_RUNS=$((RUNS > 20 ? RUNS : 20))
(cd t1 && interleave --no-shell --warmup 3 --runs "$T1_STDOUT_RUNS" \
    --export-json "$RESULTS_DIR/stdout-t1.json" \
    "T1 networkd stdout" "$T1_STDOUT_CMD")
interleave --warmup 2 --runs "$RUNS" \
    --export-json "$RESULTS_DIR/stdout.json" \
    "T2 all backends stdout" "t2/render-all.sh '' >/dev/null"

echo "bench: target 2 (10,000 peers x $n_backends backends vs cp -r; interleaved)" >&2
interleave --warmup 1 --runs "$RUNS" \
    --prepare "$(prepare t2/out t2/cp)" \
    --export-json "$RESULTS_DIR/t2.json" \
    "peergen all backends --out" "t2/render-all.sh out" \
    "cp -r" "cp -r t2/ref t2/cp"
# Peak memory: one more run under GNU time (ru_maxrss covers every process it waits for,
# so with two peergen runs it is the larger of the two).
./aside.sh t2/out && sync
"$GNU_TIME" -v -o t2/time-out.txt t2/render-all.sh out >/dev/null
"$GNU_TIME" -v -o t2/time-stdout.txt sh -c 't2/render-all.sh "" >/dev/null'
rss_kib() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
wall_s() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1"; }
T2_RSS_OUT=$(rss_kib t2/time-out.txt)
T2_RSS_STDOUT=$(rss_kib t2/time-stdout.txt)
T2_WALL_TIMEV=$(wall_s t2/time-out.txt)

echo "bench: target 4 (one peer)" >&2
hyperfine -N --style basic --warmup 20 --runs "$SMALL_RUNS" \
    --prepare "rm -rf one-out" \
    --export-json "$RESULTS_DIR/t3.json" \
    -n "peergen render 1 peer stdout" "$PEERGEN render --backend networkd one.toml" \
    -n "peergen render 1 peer --out" "$PEERGEN render --backend networkd --out one-out one.toml"

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
FS=$(df -T . | awk 'NR==2 {print $2}')

# The table.
export RESULTS_DIR T2_MODE T2_RSS_OUT T2_RSS_STDOUT T2_WALL_TIMEV t1_peergen_files \
    t1_netplan_files t2_files LOAD_BEFORE LOAD_AFTER FS WORK RUNS SMALL_RUNS BACKENDS \
    T1_PAIRS T2_PAIRS
export CPU="$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1) x $(nproc)"
export KERNEL="$(uname -r)"
export MEM="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
export NETPLAN_VERSION="$(dpkg-query -W -f '${Version}' netplan.io 2>/dev/null || echo unknown)"
export HYPERFINE_VERSION="$(hyperfine --version)"
export COMMIT="${BENCH_PEERGEN:+binary $BENCH_PEERGEN, bench of }$(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- crates Cargo.toml Cargo.lock templates 2>/dev/null || echo '+dirty')"
export DATE="$(date -u +%Y-%m-%dT%H:%MZ)"
python3 "$REPO/bench/report.py" | tee "$RESULTS_DIR/results.md"
echo "bench: wrote $RESULTS_DIR/results.md" >&2
