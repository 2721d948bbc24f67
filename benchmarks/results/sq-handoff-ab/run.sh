#!/usr/bin/env bash
# A/B of commit 637c87f (JDK 25's rendezvous queues marked at DualNode.await's setCurrentBlocker,
# where a thread is about to park) against be90c88 (marked at await's entry, which every handoff
# that finds its partner while spinning passes), on QueueBenchmarks.sqHandoff (one producer, one
# consumer, a SynchronousQueue) with the SDK recording (--record-metrics) and CPU time per
# operation (--cpu). Builds both extensions in git worktrees, then runs ROUNDS rounds: the base
# with the agent alone beside it (CompareRunner --configs agent,ext), then the change (--configs
# ext), 1 fork each; summary.py pools the forks.
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 SKIP_BUILD=1 benchmarks/results/sq-handoff-ab/run.sh [ROUNDS]
#
# Default 6 rounds, about 5 minutes. Environment: JAVA_HOME; SKIP_BUILD=1 as run.sh; OUT (default
# benchmarks/target/sq-handoff-ab).
set -euo pipefail

share="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$share/../.." && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-6}"
out="${OUT:-$here/target/sq-handoff-ab}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mkdir -p "$out"

source "$here/build.sh"
"$here/extension-at.sh" be90c88 "$out/base.jar"
"$here/extension-at.sh" 637c87f "$out/change.jar"

for r in $(seq 1 "$rounds"); do
  for v in base change; do
    configs=ext
    [[ $v == base ]] && configs=agent,ext
    "$java" -cp "$here/target/benchmarks.jar" dev.blockedtime.benchmarks.CompareRunner \
      --agent "$agent" --extension "$out/$v.jar" --out "$out/$v-$r" --configs "$configs" \
      --forks 1 --wi 3 --i 5 --record-metrics --cpu 'QueueBenchmarks.sqHandoff' > "$out/$v-$r.log" 2>&1
    echo "round $r, $v done"
  done
done
python3 "$share/summary.py" "$out" "$rounds" | tee "$out/summary.md"
