#!/usr/bin/env python3
"""The change against the base, round by round, from churn-ab.sh's output directories.

    benchmarks/churn-ab-pairs.py OUT [OUT...]

Each round of churn-ab.sh runs both extensions (each after the agent alone); this divides the
change's run by the base's of the same round, wall time and CPU time, and gives the ratios and
their median and mean. Several directories pool their rounds, in the order given. churn-ab.sh
writes this into its summary.md.
"""
import os
import re
import statistics
import sys


def ext(path):
    m = re.search(r"^\| 1 \| ext \| ([0-9.]+) \| ([0-9.]+) \|", open(path).read(), re.M)
    return float(m.group(1)), float(m.group(2))


def rounds(out):
    found = [int(d[len("base-"):]) for d in os.listdir(out) if re.fullmatch(r"base-[0-9]+", d)]
    return sorted(found)


def main(outs):
    wall, cpu = [], []
    for out in outs:
        for r in rounds(out):
            (cw, cc), (bw, bc) = ext(f"{out}/change-{r}/churn.md"), ext(f"{out}/base-{r}/churn.md")
            wall.append(cw / bw)
            cpu.append(cc / bc)
    if len(outs) > 1:
        print()
        print(f"{len(wall)} rounds pooled from {', '.join(outs)}")
    print()
    print("Wall time, each round: " + " ".join(f"{x:.3f}" for x in wall))
    print()
    print(f"Wall time: median **{statistics.median(wall):.3f}**, mean {statistics.mean(wall):.3f}")
    print()
    print("CPU time, each round: " + " ".join(f"{x:.3f}" for x in cpu))
    print()
    print(f"CPU time: median **{statistics.median(cpu):.3f}**, mean {statistics.mean(cpu):.3f}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
