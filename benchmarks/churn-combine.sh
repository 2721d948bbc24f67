#!/usr/bin/env bash
# Pools the rounds of several churn.sh reports: each report's own line "Each round's extension /
# agent: ...", then all the rounds' ratios together, their median and their mean with a 95%
# interval (Student's t), and the ratio of the medians of all the runs' wall times. The reports'
# code may differ; say so where the figures are quoted.
#
#   benchmarks/churn-combine.sh benchmarks/results/churn-24/churn.md benchmarks/results/churn-20/churn.md
set -euo pipefail
[[ $# -gt 0 ]] || { echo "usage: $0 REPORT..." >&2; exit 2; }
python3 - "$@" <<'PY'
import math, re, statistics, sys
pooled = []
runs = {"agent": [], "ext": []}
for path in sys.argv[1:]:
    text = open(path).read()
    for config, seconds in re.findall(r"^\| \d+ \| (agent|ext) \| ([0-9.]+) \|", text, re.M):
        runs[config].append(float(seconds))
    m = re.search(r"Each round's extension / agent: ([0-9. ]+)", text)
    if not m:
        sys.exit(f"{path}: no line of round ratios")
    ratios = [float(x) for x in m.group(1).split()]
    pooled += ratios
    print(f"{path}: {len(ratios)} rounds, median {statistics.median(ratios):.3f}, mean {statistics.mean(ratios):.3f}")
n = len(pooled)
# two-sided 95% quantiles of Student's t for n - 1 degrees of freedom; 1.96 beyond the table
table = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
         10: 2.228, 11: 2.201, 14: 2.145, 19: 2.093, 23: 2.069, 29: 2.045, 43: 2.017, 55: 2.004}
df = n - 1
t = table.get(df) or (table[max(k for k in table if k <= df)] if df < 60 else 1.96)
half = t * statistics.stdev(pooled) / math.sqrt(n) if n > 1 else float("nan")
print(f"pooled: {n} rounds, median {statistics.median(pooled):.3f}, mean {statistics.mean(pooled):.3f} ± {half:.3f} (95%), "
      f"standard deviation {statistics.stdev(pooled):.3f}")
ma, me = statistics.median(runs["agent"]), statistics.median(runs["ext"])
print(f"pooled runs: median wall time agent {ma:.1f} s, ext {me:.1f} s; ratio of the medians {me / ma:.3f}")
PY
