"""Summary of run.sh's rounds: per configuration, every fork's median iteration of the thread
that never waits (besideHandoffs:ownPutTake) and of abqPutTake alone, in ops/us (higher is
better), and the median and 10th/90th percentiles of all their iterations."""
import json, os, re, statistics, sys

out = sys.argv[1]
rows = {}  # (config, benchmark) -> list of per-fork iteration lists
for d in sorted(os.listdir(out)):
    m = re.fullmatch(r'(base|stripes)-(\d+)', d)
    if not m or not os.path.exists(os.path.join(out, d, 'results.json')):
        continue
    for e in json.load(open(os.path.join(out, d, 'results.json'))):
        config = 'agent alone' if not any('extensions=' in a for a in e['jvmArgs']) else m.group(1)
        name = e['benchmark'].rsplit('.', 1)[1]
        if name == 'besideHandoffs':
            forks = e['secondaryMetrics']['ownPutTake']['rawData']
            name = 'besideHandoffs:ownPutTake'
        else:
            forks = e['primaryMetric']['rawData']
        rows.setdefault((config, name), []).extend(forks)

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]

print('| benchmark | configuration | forks | fork medians | median | p10 | p90 |')
print('|---|---|---:|---|---:|---:|---:|')
for (config, name) in sorted(rows, key=lambda k: (k[1], ['agent alone', 'base', 'stripes'].index(k[0]))):
    forks = rows[(config, name)]
    its = [x for f in forks for x in f]
    meds = ' '.join('%.1f' % statistics.median(f) for f in forks)
    print('| %s | %s | %d | %s | %.1f | %.1f | %.1f |' % (
        name, config, len(forks), meds, statistics.median(its), pct(its, 0.1), pct(its, 0.9)))
