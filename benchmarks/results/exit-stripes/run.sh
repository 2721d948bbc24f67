#!/usr/bin/env bash
# A/B of commit 69c39a4 (the pending-exit counter striped by thread) against its parent c2ef1b2
# (one counter for the JVM), on QueueBenchmarks.besideHandoffs (a thread's put+take that never
# waits, beside two threads handing off through a queue of one) and abqPutTake (that thread
# alone). Builds both extensions in git worktrees, then runs ROUNDS rounds: the parent with the
# agent alone beside it (CompareRunner --configs agent,ext), then the change (--configs ext), 2
# forks each; summary.py gives each fork's iterations of the thread that never waits.
#
#   SKIP_BUILD=1 benchmarks/results/exit-stripes/run.sh [ROUNDS]    # default 6, about 15 minutes
#
# Environment: SKIP_BUILD=1 as run.sh (the benchmarks jar and the agent); OUT (default
# benchmarks/target/exit-stripes).
set -euo pipefail

share="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$share/../.." && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-6}"
out="${OUT:-$here/target/exit-stripes}"
mkdir -p "$out"

source "$here/build.sh"

"$here/extension-at.sh" c2ef1b2 "$out/base.jar"
"$here/extension-at.sh" 69c39a4 "$out/stripes.jar"

for r in $(seq 1 "$rounds"); do
  for v in base stripes; do
    configs=ext
    [[ $v == base ]] && configs=agent,ext
    java -cp "$here/target/benchmarks.jar" dev.blockedtime.benchmarks.CompareRunner \
      --agent "$agent" --extension "$out/$v.jar" --out "$out/$v-$r" --configs "$configs" \
      --forks 2 --wi 3 --i 5 'QueueBenchmarks.(besideHandoffs|abqPutTake)' > "$out/$v-$r.log" 2>&1
    echo "round $r, $v done"
  done
done
python3 "$share/summary.py" "$out"
