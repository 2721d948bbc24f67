#!/usr/bin/env python3
"""When each part of ChurnProgram ended, by configuration, from churn.sh's parts.txt files.

    benchmarks/churn-parts-medians.py PARTS [PARTS...]

Each line of a parts.txt is `ROUND CONFIG part=seconds ...` (the program's PARTS line). This pools
the lines of every file given and prints, for each part, the median over the agent alone's runs,
over the extension's, and their ratio; then how often each part ended last.
"""
import collections
import statistics
import sys


def main(paths):
    ends = collections.defaultdict(lambda: collections.defaultdict(list))
    last = collections.defaultdict(collections.Counter)
    for path in paths:
        for line in open(path):
            fields = line.split()
            parts = dict(f.split("=") for f in fields[2:] if "=" in f)
            if not parts:
                continue
            config = fields[1]
            for part, seconds in parts.items():
                ends[config][part].append(float(seconds))
            last[config][max(parts, key=lambda p: float(parts[p]))] += 1
    agent, ext = ends["agent"], ends["ext"]
    print(f"{len(agent['sq'])} runs of the agent alone, {len(ext['sq'])} of the extension")
    print()
    print("| part | agent alone (s) | extension (s) | ratio |")
    print("|---|---:|---:|---:|")
    for part in agent:
        a, e = statistics.median(agent[part]), statistics.median(ext[part])
        print(f"| {part} | {a:.1f} | {e:.1f} | {e / a:.3f} |")
    print()
    for config in ("agent", "ext"):
        counts = ", ".join(f"{p} {n}" for p, n in last[config].most_common())
        print(f"ended last, {config}: {counts}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
