#!/usr/bin/env python3
"""Time several commands in alternation (A B A B ...), hyperfine-style JSON out.

hyperfine runs all runs of one command, then all of the next; on a shared machine whose
disk speed drifts from minute to minute, that biases a comparison. This runner
interleaves the commands run by run, so drift hits every command alike, and writes the
same JSON shape as `hyperfine --export-json` (command, times, mean, stddev, median, min,
max, user, system) so the report reads both, plus `cpu_times`: user + system CPU seconds
of each run (the command and all its children), from `getrusage(RUSAGE_CHILDREN)` in
microseconds (`os.times()` counts whole clock ticks, 10 ms, and truncates each of user
and system time: a 40 ms run read as 30 ms).

    interleave.py --runs 10 --warmup 2 --prepare 'rm -rf out; sync' --export-json t.json \
        NAME 'COMMAND' NAME 'COMMAND' ...

Commands and the prepare step run through `sh -c` (with `--no-shell` the commands run
directly, split into words as a shell would, so that no shell's start-up is counted);
the prepare step runs before every timed run of every command and is not timed. A command that fails stops the benchmark.
Only the standard library is used.
"""

import argparse
import json
import resource
import shlex
import statistics
import subprocess
import sys
import time


def run(command, prepare, no_shell=False):
    if prepare:
        subprocess.run(["sh", "-c", prepare], check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    argv = shlex.split(command) if no_shell else ["sh", "-c", command]
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        sys.exit(f"interleave: command failed with exit code {proc.returncode}: {command}")
    return (
        wall,
        after.ru_utime - before.ru_utime,
        after.ru_stime - before.ru_stime,
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--prepare", default="")
    ap.add_argument("--no-shell", action="store_true")
    ap.add_argument("--export-json", required=True)
    ap.add_argument("pairs", nargs="+", help="NAME COMMAND [NAME COMMAND ...]")
    args = ap.parse_args()
    if len(args.pairs) % 2:
        ap.error("give NAME COMMAND pairs")
    commands = list(zip(args.pairs[0::2], args.pairs[1::2]))

    for _ in range(args.warmup):
        for _, command in commands:
            run(command, args.prepare, args.no_shell)
    samples = {name: [] for name, _ in commands}
    for i in range(args.runs):
        for name, command in commands:
            samples[name].append(run(command, args.prepare, args.no_shell))
        print(
            f"  round {i + 1}/{args.runs}: "
            + ", ".join(f"{n} {samples[n][-1][0]:.3f} s" for n, _ in commands),
            file=sys.stderr,
        )

    results = []
    for name, command in commands:
        times = [s[0] for s in samples[name]]
        results.append(
            {
                "command": name,
                "shell_command": command,
                "times": times,
                "mean": statistics.mean(times),
                "stddev": statistics.stdev(times) if len(times) > 1 else None,
                "median": statistics.median(times),
                "min": min(times),
                "max": max(times),
                "user": statistics.mean(s[1] for s in samples[name]),
                "system": statistics.mean(s[2] for s in samples[name]),
                # Per run, for CPU medians (hyperfine only exports the means).
                "cpu_times": [s[1] + s[2] for s in samples[name]],
            }
        )
        r = results[-1]
        print(
            f"{name}: median {r['median']:.3f} s, mean {r['mean']:.3f} s"
            f" ± {r['stddev'] or 0:.3f} s (min {r['min']:.3f} … max {r['max']:.3f}),"
            f" user {r['user']:.3f} s, system {r['system']:.3f} s",
            file=sys.stderr,
        )
    with open(args.export_json, "w") as f:
        json.dump({"results": results}, f, indent=2)


if __name__ == "__main__":
    main()
