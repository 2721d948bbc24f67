#!/usr/bin/env bash
# Diagnostic, not a benchmark of the product: how much of the thread pool's two-thread pipeline
# (tpeQuietSubmitRun) the ring costs, and which part of it. Builds two variants of the extension
# at the checked-out commit, each in a git worktree of its own with one patch of this directory:
#   ring-no-atomics.patch  the ring with no atomic and no worker write: one submitter's plain
#                          tail, a blind put, a claim that only reads, no free (unsafe: diagnostic)
#   no-ring.patch          no ring and no table: the submitter reads the clock and the context as
#                          before and keeps neither; the worker records a zero wait
# then runs ROUNDS rounds of the extension as built (ring), ring-no-atomics and no-ring, in that
# order, 2 forks each (CompareRunner --configs ext), and sorts every iteration by the host's mode
# (fast at or above 6 ops/µs, slow at or below 4.8; see iteration-modes.py).
#
#   SKIP_BUILD=1 benchmarks/results/tpe-ring-share/run.sh [ROUNDS]    # default 4, about 6 minutes
#
# Environment: SKIP_BUILD=1 as run.sh; OUT (default benchmarks/target/tpe-ring-share).
set -euo pipefail

share="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$share/../.." && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-4}"
out="${OUT:-$here/target/tpe-ring-share}"
mkdir -p "$out"

source "$here/build.sh"

cp "$extension" "$out/ring.jar"
for v in ring-no-atomics no-ring; do
  "$here/extension-at.sh" HEAD "$out/$v.jar" "$share/$v.patch"
done

for r in $(seq 1 "$rounds"); do
  for v in ring ring-no-atomics no-ring; do
    java -cp "$here/target/benchmarks.jar" dev.blockedtime.benchmarks.CompareRunner \
      --agent "$agent" --extension "$out/$v.jar" --out "$out/$v-$r" --configs ext \
      --forks 2 --wi 3 --i 5 --record-metrics tpeQuietSubmitRun > "$out/$v-$r.log" 2>&1
    echo "round $r, $v: $(grep -A4 'Per-fork means' "$out/$v-$r.log" | grep tpeQuiet | head -1)"
  done
done

python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
print("\n| variant | fast: iterations, median ops/µs | slow: iterations, median ops/µs |")
print("|---|---|---|")
for v in ("ring", "ring-no-atomics", "no-ring"):
    modes = {"fast": [], "slow": []}
    for r in range(1, rounds + 1):
        for entry in json.load(open(f"{out}/{v}-{r}/results.json")):
            for fork in entry["primaryMetric"]["rawData"]:
                for s in fork:
                    if s >= 6:
                        modes["fast"].append(s)
                    elif s <= 4.8:
                        modes["slow"].append(s)
    cells = [f"{len(x)}, {statistics.median(x):.3f}" if x else "0" for x in modes.values()]
    print(f"| {v} | {cells[0]} | {cells[1]} |")
PY
