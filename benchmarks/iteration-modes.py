#!/usr/bin/env python3
"""Sorts every measurement iteration of a run.sh report's results.json by its own score into the
executor benchmarks' two modes (the host's, see mode-probe.sh): fast at or above FAST, slow at or
below SLOW, the rest between (an iteration across a change of mode). Prints, per benchmark and
configuration, each mode's iterations and median, and the extension's ratio to the agent alone
within each mode.

    benchmarks/iteration-modes.py benchmarks/results/executors-quiet-10/results.json 6 4.8
"""
import json
import statistics
import sys
from collections import defaultdict

path, fast, slow = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
scores = defaultdict(list)
for entry in json.load(open(path)):
    config = "agent+ext" if any("otel.javaagent.extensions" in a for a in entry["jvmArgs"]) else "agent"
    bench = entry["benchmark"].rsplit(".", 2)[-2] + "." + entry["benchmark"].rsplit(".", 1)[-1]
    for fork in entry["primaryMetric"]["rawData"]:
        for score in fork:
            mode = "fast" if score >= fast else ("slow" if score <= slow else "between")
            scores[(bench, config, mode)].append(score)

print(f"Iterations sorted by score: fast >= {fast}, slow <= {slow} ops/us.\n")
print("| benchmark | config | mode | iterations | median ops/µs |")
print("|---|---|---|---:|---:|")
for key in sorted(scores):
    print(f"| {key[0]} | {key[1]} | {key[2]} | {len(scores[key])} | {statistics.median(scores[key]):.3f} |")
print("\n| benchmark | mode | agent+ext / agent, medians | Δ ns per task |")
print("|---|---|---:|---:|")
for bench in sorted({k[0] for k in scores}):
    for mode in ("fast", "slow"):
        a, e = scores.get((bench, "agent", mode)), scores.get((bench, "agent+ext", mode))
        if a and e:
            ma, me = statistics.median(a), statistics.median(e)
            print(f"| {bench} | {mode} | {me / ma:.3f} | {1000 / me - 1000 / ma:+.1f} |")
