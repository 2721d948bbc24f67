#!/usr/bin/env bash
# A/B of commit 6cf4b2e (lock waits walk their stack at the park and are recorded on the recorder
# thread) against 58efd0e (both on the waiting thread, holding the lock), on
# LockBenchmarks.heldFairLock with the SDK really recording (--record-metrics) and CPU time
# per operation (--cpu). Builds both extensions in git worktrees, then runs ROUNDS rounds: the base
# with the agent alone beside it (CompareRunner --configs agent,ext), then the change (--configs
# ext), 1 fork each; summary.py pools the forks.
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 SKIP_BUILD=1 benchmarks/results/held-lock-ab/run.sh [ROUNDS]
#
# Default 6 rounds, about 5 minutes. Environment: JAVA_HOME; SKIP_BUILD=1 as run.sh; OUT (default
# benchmarks/target/held-lock-ab).
set -euo pipefail

share="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$share/../.." && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-6}"
out="${OUT:-$here/target/held-lock-ab}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mkdir -p "$out"

source "$here/build.sh"
"$here/extension-at.sh" 58efd0e "$out/base.jar"
"$here/extension-at.sh" 6cf4b2e "$out/change.jar"

for r in $(seq 1 "$rounds"); do
  for v in base change; do
    configs=ext
    [[ $v == base ]] && configs=agent,ext
    "$java" -cp "$here/target/benchmarks.jar" dev.blockedtime.benchmarks.CompareRunner \
      --agent "$agent" --extension "$out/$v.jar" --out "$out/$v-$r" --configs "$configs" \
      --forks 1 --wi 3 --i 5 --record-metrics --cpu 'LockBenchmarks.heldFairLock' > "$out/$v-$r.log" 2>&1
    echo "round $r, $v done"
  done
done
python3 "$share/summary.py" "$out" "$rounds" | tee "$out/summary.md"
