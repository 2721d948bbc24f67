#!/usr/bin/env python3
"""Per benchmark, from jmh-ab.sh's rounds of several benchmarks: mean time per construction under
the agent alone, the base and the change (medians of the rounds), and each round's difference and
ratio. Usage: table.py DIR ROUNDS (DIR holds base-N/ and change-N/ with results.json)."""
import json, collections, statistics, sys
d = sys.argv[1]; rounds = int(sys.argv[2])
# per benchmark, per config: list of (round, score)
res = collections.defaultdict(lambda: collections.defaultdict(dict))
for v in ('base', 'change'):
    for r in range(1, rounds + 1):
        for e in json.load(open(f'{d}/{v}-{r}/results.json')):
            args = ' '.join(e['jvmArgs'])
            cfg = v if 'extensions=' in args else 'agent'
            name = e['benchmark'].split('.')[-1]
            res[name][cfg][r] = e['primaryMetric']['score']
print('| benchmark | agent alone (ns) | base (ns) | change (ns) | change − base (ns), each round | change / base throughput, each round |')
print('|---|---:|---:|---:|---|---|')
for name in sorted(res):
    c = res[name]
    ns = lambda cfg: statistics.median(1000.0 / x for x in c[cfg].values())
    diffs = ' '.join(f'{1000.0 / c["change"][r] - 1000.0 / c["base"][r]:+.1f}' for r in range(1, rounds + 1))
    ratios = ' '.join(f'{c["change"][r] / c["base"][r]:.3f}' for r in range(1, rounds + 1))
    print(f'| {name} | {ns("agent"):.1f} | {ns("base"):.1f} | {ns("change"):.1f} | {diffs} | {ratios} |')
