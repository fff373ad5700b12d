#!/usr/bin/env python3
"""Turn bench/run.sh's timings and GNU time output into bench/out/results.md.

Reads RESULTS_DIR/{t1,t1-uptodate,stdout,stdout-t1,t2,t3}.json (bench/interleave.py and hyperfine
JSON) and the environment variables run.sh exports; prints Markdown. Every target is a
ratio or a limit measured in this run; verdicts use medians (robust against the odd slow
run on a shared machine); mean, standard deviation and range are shown alongside.
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
uptodate, stdout = load("t1-uptodate.json"), load("stdout.json")
stdout.update(load("stdout-t1.json"))


def median(r):
    return r.get("median") or statistics.median(r["times"])


def cpu_median(r):
    """User + system CPU seconds of one run: the median of interleave.py's per-run
    figures, or hyperfine's means (it exports no per-run CPU)."""
    if "cpu_times" in r:
        return statistics.median(r["cpu_times"])
    return r["user"] + r["system"]


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


def won(a, b):
    """Rounds in which `a` was faster than `b` (interleaved: round i of one ran next to
    round i of the other)."""
    return sum(x < y for x, y in zip(a["times"], b["times"]))


rows = []
netplan, pg1, cp1 = t1["netplan generate"], t1["peergen networkd --out"], t1["cp -r"]
r = median(pg1) / median(netplan)
rows.append(
    (
        "1a. 2,000 tunnels → networkd files vs netplan's generator",
        "≤ 0.5×",
        f"peergen {fmt(median(pg1))}, netplan {fmt(median(netplan))}: **{r:.2f}×**",
        verdict(r <= 0.5),
    )
)
r = median(pg1) / median(cp1)
rows.append(
    (
        "1b. 2,000 tunnels → networkd files vs `cp -r` of the same tree",
        "≤ 1.5×",
        f"peergen {fmt(median(pg1))}, cp -r {fmt(median(cp1))}: **{r:.2f}×**",
        verdict(r <= 1.5),
    )
)
pg2, cp2 = t2["peergen all backends --out"], t2["cp -r"]
n_backends = len(env["BACKENDS"].split(","))
r = median(pg2) / median(cp2)
rows.append(
    (
        f"2a. 10,000 peers × {n_backends} backends → files vs `cp -r` of the same tree",
        "≤ 1.5×",
        f"peergen {fmt(median(pg2))}, cp -r {fmt(median(cp2))}: **{r:.2f}×**",
        verdict(r <= 1.5),
    )
)
rss_mib = int(env["T2_RSS_OUT"]) / 1024
rows.append(
    (
        f"2b. 10,000 peers × {n_backends} backends → files: peak RSS",
        "< 100 MiB",
        f"{rss_mib:.1f} MiB",
        verdict(rss_mib < 100),
    )
)
t1_out, t2_out = stdout["T1 networkd stdout"], stdout["T2 all backends stdout"]
per1 = cpu_median(t1_out) / int(env["T1_PAIRS"]) * 1e6
per2 = cpu_median(t2_out) / int(env["T2_PAIRS"]) * 1e6
rows.append(
    (
        "3. render CPU (stdout, user + system) per peer per backend",
        "≤ 20 µs",
        f"**{per2:.1f} µs** over {int(env['T2_PAIRS']):,} peer × backend pairs "
        f"({fmt(cpu_median(t2_out))} CPU); 2,000 × networkd: **{per1:.1f} µs** "
        f"({fmt(cpu_median(t1_out))} CPU, {fmt(median(t1_out))} wall)",
        verdict(per2 <= 20 and per1 <= 20),
    )
)
one_out, one_stdout = t3["peergen render 1 peer --out"], t3["peergen render 1 peer stdout"]
rows.append(
    (
        "4. one peer end to end (`--out`, fresh folder)",
        "< 5 ms",
        f"{fmt(median(one_out))} (stdout {fmt(median(one_stdout))})",
        verdict(median(one_out) < 0.005),
    )
)
up, cat = uptodate["peergen up to date"], uptodate["cat the folder"]
r = median(up) / median(cat)
rows.append(
    (
        "5. 2,000 tunnels into an up-to-date folder vs reading it (`cat` of its 4,001 files)",
        "≤ 1.0×",
        f"peergen {fmt(median(up))}, cat {fmt(median(cat))}: **{r:.2f}×**",
        verdict(r <= 1.0),
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
    f"after {env['LOAD_AFTER']}. Backends: {env['BACKENDS']}."
)
p("")
p("| target | limit | measured (medians, same run) | result |")
p("|---|---|---|---|")
for row in rows:
    p("| " + " | ".join(row) + " |")
p("")
p(f"Target 2 ran as {env['T2_MODE']}.")
p("")
p(
    f"Interleaved rounds won: peergen under netplan in {won(pg1, netplan)} of "
    f"{len(pg1['times'])}; under `cp -r` in {won(pg1, cp1)} (target 1) and "
    f"{won(pg2, cp2)} (target 2) of {len(pg2['times'])}."
)
p("")
p("## All measurements")
p("")
p("| benchmark | median | CPU (user + system, median) | mean ± σ (min … max, runs) |")
p("|---|---|---|---|")


def cpu(r):
    if "cpu_times" in r:
        return fmt(cpu_median(r))
    if r.get("user") is not None and r.get("system") is not None:
        return fmt(cpu_median(r)) + " (mean)"
    return "—"


for name, r in [
    ("T1 netplan generate, 2,000 YAML files → networkd", netplan),
    ("T1 peergen --backend networkd --out, 2,000 peers", pg1),
    ("T1 cp -r of peergen's output tree (4,001 files)", cp1),
    ("T1 peergen --out again into the up-to-date folder", up),
    ("T1 cat of every file of that folder", cat),
    ("T1 peergen --backend networkd to stdout", t1_out),
    (f"T2 peergen {n_backends} backends --out, 10,000 peers", pg2),
    ("T2 cp -r of peergen's output tree", cp2),
    (f"T2 peergen {n_backends} backends to stdout", t2_out),
    ("T4 peergen render 1 peer, stdout", one_stdout),
    ("T4 peergen render 1 peer, --out (fresh folder)", one_out),
]:
    p(f"| {name} | {fmt(median(r))} | {cpu(r)} | {spread(r)} |")
p("")
stdout_rss = int(env["T2_RSS_STDOUT"]) / 1024
p(
    f"Peak RSS (GNU time, one extra run): 10,000 peers written {rss_mib:.1f} MiB "
    f"(wall {env['T2_WALL_TIMEV']}), to stdout {stdout_rss:.1f} MiB."
)
p("")
p(
    f"Files: target 1 peergen {env['t1_peergen_files']}, netplan "
    f"{env['t1_netplan_files']} (2 per tunnel expected); target 2 {env['t2_files']} "
    "(without the manifest)."
)
p("")
print("\n".join(out))
