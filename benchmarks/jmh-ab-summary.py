"""Summary of jmh-ab.sh's rounds: per configuration, each fork's score (ops/us, the sum over the
benchmark's threads; higher is better) and CPU time per operation where CompareRunner measured it,
with their medians, and each round's ratio of the change's fork to the base's."""
import json, os, re, statistics, sys

out, rounds = sys.argv[1], int(sys.argv[2])
score = {}  # (config, round) -> fork's score
cpu = {}
for r in range(1, rounds + 1):
    for v in ('base', 'change'):
        path = os.path.join(out, f'{v}-{r}', 'results.json')
        if not os.path.exists(path):
            continue
        for e in json.load(open(path)):
            config = v if any('extensions=' in a for a in e['jvmArgs']) else 'agent alone'
            score[(config, r)] = e['primaryMetric']['score']
            for name, m in e.get('secondaryMetrics', {}).items():
                if 'cpu' in name.lower():
                    cpu[(config, r)] = (name, m['score'], m.get('scoreUnit', ''))

print('| configuration | forks (one a round) | median ops/µs | CPU per op (median) |')
print('|---|---|---:|---:|')
for config in ('agent alone', 'base', 'change'):
    xs = [score[(config, r)] for r in range(1, rounds + 1) if (config, r) in score]
    cs = [cpu[(config, r)][1] for r in range(1, rounds + 1) if (config, r) in cpu]
    unit = next((cpu[k][2] for k in cpu if k[0] == config), '')
    print('| %s | %s | %.3f | %s |' % (config, ' '.join('%.3f' % x for x in xs), statistics.median(xs),
                                      ('%.3f %s' % (statistics.median(cs), unit)) if cs else 'n/a'))
for a, b in (('base', 'agent alone'), ('change', 'agent alone'), ('change', 'base')):
    rs = [score[(a, r)] / score[(b, r)] for r in range(1, rounds + 1) if (a, r) in score and (b, r) in score]
    print()
    print('%s / %s, throughput, each round: %s; median **%.3f**' % (a, b, ' '.join('%.3f' % x for x in rs), statistics.median(rs)))
