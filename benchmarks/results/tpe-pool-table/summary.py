#!/usr/bin/env python3
"""Per variant and benchmark of a tpe-pool-table run: its forks' means and its iterations' low
percentiles (ns per task, lower is better). Each fork runs in the host's fast mode or its slow
one; the low end of each is the fast mode's, where the two variants compare.

    python3 benchmarks/results/tpe-pool-table/summary.py <dir with base-N/ and poolcache-N/>
"""
import collections, glob, json, os, statistics, sys

runs = collections.defaultdict(lambda: collections.defaultdict(list))
for f in glob.glob(os.path.join(sys.argv[1], "*-*", "results.json")):
    variant = os.path.basename(os.path.dirname(f)).rsplit("-", 1)[0]
    for entry in json.load(open(f)):
        bench = entry["benchmark"].split(".")[-1]
        runs[bench][variant].extend(entry["primaryMetric"]["rawData"])

print("| benchmark | variant | forks | best fork | mean of the 5 best forks | iterations: 10th percentile | 25th | median |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for bench in sorted(runs):
    for variant in ("base", "poolcache"):
        forks = runs[bench][variant]
        means = sorted(statistics.mean(f) for f in forks)
        its = sorted(x for f in forks for x in f)
        q = lambda p: its[int(p * (len(its) - 1))]
        print(f"| `{bench}` | {variant} | {len(forks)} | {means[0]:.2f} | {statistics.mean(means[:5]):.2f} "
              f"| {q(.1):.2f} | {q(.25):.2f} | {q(.5):.2f} |")
