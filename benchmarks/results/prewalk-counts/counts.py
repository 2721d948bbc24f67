#!/usr/bin/env python3
"""Sums up the PREWALKS lines of run.sh's output: per run, the stack walks made, the waits that
lasted the stack threshold, walks per such wait, and the walks before a park that the wait did
not keep. Usage: counts.py OUTPUT..."""
import sys

print("| output | run | walks | long waits | walks per long wait | walks wasted | lock waits' walks before a park (kept) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for path in sys.argv[1:]:
    run = 0
    for line in open(path):
        if not line.startswith("PREWALKS"):
            continue
        run += 1
        d = {k: int(v) for k, v in (kv.split("=") for kv in line.split()[1:])}
        walks = d["preRdv"] + d["preLock"] + d["endWalkRdv"] + d["endWalkLock"]
        long_waits = d["longRdv"] + d["longLock"]
        wasted = d["wastedRdv"] + d["wastedLock"]
        print(f"| {path} | {run} | {walks:,} | {long_waits:,} | {walks / long_waits:.2f} | {wasted:,} "
              f"| {d['preLock']:,} ({d['usedLock']:,}) |")
