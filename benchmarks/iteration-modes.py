#!/usr/bin/env python3
"""Sorts every measurement iteration of a run.sh report's results.json by its own score into the
executor benchmarks' two modes (the host's, see mode-probe.sh): fast at or above FAST, slow at or
below SLOW, the rest between (an iteration across a change of mode). Prints, per benchmark and
configuration, each mode's iterations and median, and each configuration's ratio to the agent
alone within each mode. A configuration is told by its JVM arguments: no agent, the agent alone,
the tasks timed by hand (agent-floor), the extension with its executor part off (ext-noexec), or
the extension.

    benchmarks/iteration-modes.py benchmarks/results/executors-quiet-10/results.json 6 4.8
"""
import json
import statistics
import sys
from collections import defaultdict


def config_of(args):
    """The run.sh configuration a fork ran in, from its JVM arguments."""
    joined = " ".join(args)
    if "-javaagent:" not in joined:
        return "none"
    if "otel.javaagent.extensions" in joined:
        return "ext-noexec" if "blocked-time.executors.enabled=false" in joined else "agent+ext"
    return "agent-floor" if "blockedtime.bench.timedByHand=true" in joined else "agent"


path, fast, slow = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
scores = defaultdict(list)
for entry in json.load(open(path)):
    config = config_of(entry["jvmArgs"])
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
print("\n| benchmark | configuration | mode | to the agent alone, medians | Δ ns per task |")
print("|---|---|---|---:|---:|")
for bench in sorted({k[0] for k in scores}):
    for config in sorted({k[1] for k in scores if k[0] == bench} - {"agent"}):
        for mode in ("fast", "slow"):
            a, c = scores.get((bench, "agent", mode)), scores.get((bench, config, mode))
            if a and c:
                ma, mc = statistics.median(a), statistics.median(c)
                print(f"| {bench} | {config} | {mode} | {mc / ma:.3f} | {1000 / mc - 1000 / ma:+.1f} |")
