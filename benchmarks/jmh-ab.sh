#!/usr/bin/env bash
# A/B of two commits of the extension on one JMH benchmark, with the SDK recording
# (--record-metrics) and CPU time per operation (--cpu): builds both extensions in git worktrees
# (extension-at.sh; BASE and CHANGE are REV or REV:PATCH), then runs ROUNDS rounds, each the base
# with the agent alone beside it (CompareRunner --configs agent,ext) and then the change
# (--configs ext), one fork each, adjacent in time; jmh-ab-summary.py pools the forks into
# <out>/summary.md. For a benchmark whose forks differ more than the change could (a handoff),
# where only rounds of adjacent forks say anything.
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 SKIP_BUILD=1 benchmarks/jmh-ab.sh BASE CHANGE BENCHMARK [ROUNDS]
#
# Default 6 rounds (about a minute each). Environment: JAVA_HOME; SKIP_BUILD=1 as run.sh; OUT
# (default benchmarks/target/jmh-ab).
set -euo pipefail
[[ $# -ge 3 ]] || { echo "usage: $0 BASE CHANGE BENCHMARK [ROUNDS]" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
base="$1" change="$2" benchmark="$3" rounds="${4:-6}"
out="${OUT:-$here/target/jmh-ab}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mkdir -p "$out"

source "$here/build.sh"
"$here/extension-at.sh" "$base" "$out/base.jar"
"$here/extension-at.sh" "$change" "$out/change.jar"

for r in $(seq 1 "$rounds"); do
  for v in base change; do
    configs=ext
    [[ $v == base ]] && configs=agent,ext
    "$java" -cp "$here/target/benchmarks.jar" dev.blockedtime.benchmarks.CompareRunner \
      --agent "$agent" --extension "$out/$v.jar" --out "$out/$v-$r" --configs "$configs" \
      --forks 1 --wi 3 --i 5 --record-metrics --cpu "$benchmark" > "$out/$v-$r.log" 2>&1
    echo "round $r, $v done"
  done
done
python3 "$here/jmh-ab-summary.py" "$out" "$rounds" | tee "$out/summary.md"
