#!/usr/bin/env python3
"""Round by round, the extension's ratio to the agent alone as shipped ("plain") and with VARIANT,
from ab.sh's OUT directory:  compare.py OUT VARIANT"""
import glob
import statistics
import sys

out, variant = sys.argv[1].rstrip("/"), sys.argv[2]


def runs(path):
    rows = {}
    for line in open(path):
        p = [x.strip() for x in line.split("|")]
        if len(p) > 5 and p[2] in ("agent", "ext"):
            rows[p[2]] = (float(p[3]), float(p[4]))  # wall, CPU seconds
    return rows["agent"], rows["ext"]


rounds = sorted(int(p.rsplit("-", 1)[1]) for p in glob.glob(out + "/plain-*") if p.rsplit("-", 1)[1].isdigit())
table = []
print("| round | plain wall | %s wall | plain CPU | %s CPU | agent alone wall (s), plain / %s | extension wall (s), plain / %s |" % ((variant,) * 4))
print("|---:|---:|---:|---:|---:|---|---|")
for r in rounds:
    pa, pe = runs("%s/plain-%d/churn.md" % (out, r))
    va, ve = runs("%s/%s-%d/churn.md" % (out, variant, r))
    row = (pe[0] / pa[0], ve[0] / va[0], pe[1] / pa[1], ve[1] / va[1])
    table.append(row + (pa[0], va[0], pe[0], ve[0]))
    print("| %d | %.3f | %.3f | %.3f | %.3f | %.1f / %.1f | %.1f / %.1f |" % ((r,) + row + (pa[0], va[0], pe[0], ve[0])))
med = [statistics.median(t[i] for t in table) for i in range(8)]
print()
print("Medians of the rounds: extension / agent alone, wall time %.3f (plain) and %.3f (%s); CPU time %.3f and %.3f."
      % (med[0], med[1], variant, med[2], med[3]))
print("%s's ratio lower in %d of %d rounds." % (variant, sum(1 for t in table if t[1] < t[0]), len(table)))
print("Median wall time: the agent alone %.1f s (plain) and %.1f s (%s); the extension %.1f s and %.1f s."
      % (med[4], med[5], variant, med[6], med[7]))
