#!/usr/bin/env python3
"""Turn bench/run.sh's hyperfine JSON and GNU time output into bench/out/results.md.

Reads RESULTS_DIR/t1.json, t2.json, t3.json and the environment variables run.sh exports;
prints Markdown. Pass/fail uses the median of the runs (robust against the odd slow run
on a shared machine); mean, standard deviation and range are shown alongside.
"""

import json
import os
import statistics

env = os.environ
results_dir = env["RESULTS_DIR"]


def load(name):
    with open(os.path.join(results_dir, name)) as f:
        return {r["command"]: r for r in json.load(f)["results"]}


t1, t2, t3 = load("t1.json"), load("t2.json"), load("t3.json")
uptodate = load("t1-uptodate.json")
t1.update(load("t1-stdout.json"))
tmpfs = load("t1-tmpfs.json") if env.get("SHM") else {}


def median(r):
    return r.get("median") or statistics.median(r["times"])


def fmt(seconds):
    if seconds < 0.1:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds:.3f} s"


def spread(r):
    return (
        f"{fmt(r['mean'])} ± {fmt(r['stddev'] or 0.0)} "
        f"({fmt(r['min'])} … {fmt(r['max'])}, {len(r['times'])} runs)"
    )


def verdict(ok):
    return "**PASS**" if ok else "**FAIL**"


rows = []
netplan = t1["netplan generate"]
pg1 = t1["peergen networkd --out"]
pg1_stdout = t1["peergen networkd stdout"]
ratio = median(pg1) / median(netplan)
# The runs were interleaved (bench/interleave.py): round i of one is next to round i of
# the other, so a per-round comparison is meaningful.
won = sum(p < n for p, n in zip(pg1["times"], netplan["times"]))
rows.append(
    (
        "1. 2,000 tunnels → networkd (written)",
        "peergen median < netplan generate median",
        f"peergen {fmt(median(pg1))} vs netplan {fmt(median(netplan))}; "
        f"ratio peergen/netplan = **{ratio:.2f}**; peergen faster in {won} of "
        f"{len(pg1['times'])} interleaved rounds",
        verdict(median(pg1) < median(netplan)),
    )
)
pg2 = t2["peergen 6 backends --out"]
rss_mib = int(env["T2_RSS_OUT"]) / 1024
rows.append(
    (
        "2a. 10,000 peers × 6 backends (written): wall",
        "< 1 s",
        fmt(median(pg2)),
        verdict(median(pg2) < 1.0),
    )
)
rows.append(
    (
        "2b. 10,000 peers × 6 backends (written): peak RSS",
        "< 100 MiB",
        f"{rss_mib:.1f} MiB",
        verdict(rss_mib < 100),
    )
)
if tmpfs:
    np_t, pg_t = tmpfs["netplan generate (tmpfs)"], tmpfs["peergen networkd --out (tmpfs)"]
    rows.append(
        (
            "1 (tmpfs). same, files on tmpfs",
            "peergen median < netplan generate median",
            f"peergen {fmt(median(pg_t))} vs netplan {fmt(median(np_t))}; "
            f"ratio **{median(pg_t) / median(np_t):.2f}**",
            verdict(median(pg_t) < median(np_t)),
        )
    )
t2_tmpfs = load("t2-tmpfs.json") if env.get("SHM") and env.get("T2_RSS_TMPFS") else {}
if t2_tmpfs:
    pg2_t = t2_tmpfs["peergen 6 backends --out (tmpfs)"]
    rss_t = int(env["T2_RSS_TMPFS"]) / 1024
    rows.append(
        (
            "2 (tmpfs). 10,000 × 6 backends written to tmpfs: wall, peak RSS",
            "< 1 s, < 100 MiB",
            f"{fmt(median(pg2_t))}, {rss_t:.1f} MiB",
            verdict(median(pg2_t) < 1.0 and rss_t < 100),
        )
    )
one = t3["peergen render 1 peer stdout"]
rows.append(
    (
        "3. one `peergen render` of one peer",
        "< 5 ms",
        fmt(median(one)),
        verdict(median(one) < 0.005),
    )
)

out = []
p = out.append
p(f"# peergen benchmark results ({env['DATE']})")
p("")
p(
    f"Commit {env['COMMIT']}; {env['CPU']}, {env['MEM']}, Linux {env['KERNEL']}; "
    f"work directory on {env['FS']}; netplan.io {env['NETPLAN_VERSION']}; "
    f"{env['HYPERFINE_VERSION']}. Load average before {env['LOAD_BEFORE']}, "
    f"after {env['LOAD_AFTER']}."
)
p("")
p("| target | limit | measured (median) | result |")
p("|---|---|---|---|")
for r in rows:
    p("| " + " | ".join(r) + " |")
p("")
p(f"Target 2 ran as {env['T2_MODE']}.")
p("")
p("## All measurements")
p("")
p("| benchmark | median | mean ± σ (min … max, runs) |")
p("|---|---|---|")
for name, r in [
    ("T1 netplan generate, 2,000 YAML files → networkd", netplan),
    ("T1 peergen --backend networkd --out, 2,000 peers", pg1),
    ("T1 peergen --backend networkd to stdout, 2,000 peers (no files written)", pg1_stdout),
    ("T1 peergen --out again into the up-to-date folder (nothing to write)", uptodate["peergen networkd --out, up to date"]),
    *[(f"T1 on tmpfs: {k.replace(' (tmpfs)', '')}", v) for k, v in tmpfs.items()],
    ("T2 peergen 6 backends --out, 10,000 peers", pg2),
    ("T2 peergen 6 backends to stdout, 10,000 peers (no files written)", t2["peergen 6 backends stdout"]),
    *[("T2 on tmpfs: peergen 6 backends --out", v) for v in t2_tmpfs.values()],
    ("T3 peergen render 1 peer, stdout", one),
    ("T3 peergen render 1 peer, --out (fresh directory)", t3["peergen render 1 peer --out"]),
]:
    p(f"| {name} | {fmt(median(r))} | {spread(r)} |")
p("")
stdout_rss = int(env["T2_RSS_STDOUT"]) / 1024
p(
    f"Peak RSS (GNU time, one extra run): 10,000 × 6 backends written {rss_mib:.1f} MiB "
    f"(wall {env['T2_WALL_TIMEV']}), to stdout {stdout_rss:.1f} MiB."
)
p("")
p(
    f"Files produced in the last run: target 1 peergen {env['t1_peergen_files']}, netplan "
    f"{env['t1_netplan_files']} (2 per tunnel expected); target 2 {env['t2_files']} "
    "(8 per WireGuard peer, 7 per GRE peer: 75,000 expected)."
)
p("")
print("\n".join(out))
