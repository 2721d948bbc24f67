#!/usr/bin/env bash
# A/B of commit 577e9a1 (a thread pool's record found by its identity hash in a shared table, and
# the worker's seconds by a multiply) against its parent 1701976 (a thread-local one-entry cache
# and a division), on each thread of a thread pool alone (ExecutorSideBenchmarks.tpe*). Builds
# both extensions in git worktrees, then runs ROUNDS rounds, each the parent then the change, 2
# forks each (CompareRunner --configs ext), and summarizes every fork and iteration
# (summary.py).
#
#   SKIP_BUILD=1 benchmarks/results/tpe-pool-table/run.sh [ROUNDS]    # default 9, about 18 minutes
#
# Environment: SKIP_BUILD=1 as run.sh (the benchmarks jar and the agent); OUT (default
# benchmarks/target/tpe-pool-table).
set -euo pipefail

share="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$share/../.." && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-9}"
out="${OUT:-$here/target/tpe-pool-table}"
mkdir -p "$out"

source "$here/build.sh"

"$here/extension-at.sh" 1701976 "$out/base.jar"
"$here/extension-at.sh" 577e9a1 "$out/poolcache.jar"

for r in $(seq 1 "$rounds"); do
  for v in base poolcache; do
    java -cp "$here/target/benchmarks.jar" dev.blockedtime.benchmarks.CompareRunner \
      --agent "$agent" --extension "$out/$v.jar" --out "$out/$v-$r" --configs ext \
      --forks 2 --wi 3 --i 5 --record-metrics 'ExecutorSideBenchmarks.tpe' > "$out/$v-$r.log" 2>&1
    echo "round $r, $v: $(grep -A6 'Per-fork means' "$out/$v-$r.log" | grep -E 'Side' | tr -s ' ' | tr '\n' ' ')"
  done
done
python3 "$share/summary.py" "$out"
