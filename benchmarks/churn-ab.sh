#!/usr/bin/env bash
# A/B of two commits of the extension on the whole program of issue #10 (ChurnProgram): builds
# both extensions in git worktrees (extension-at.sh), then runs ROUNDS rounds; each round runs
# churn.sh's one round (the agent alone, then the extension) for each commit, the two commits'
# order swapped from round to round. Pools each commit's rounds with churn-combine.sh, and gives
# each round's ratio of the two extensions' runs, wall and CPU time. BASE and CHANGE are commits,
# each optionally with a patch to apply to it: REV:PATCH (a variant that never goes on main, such
# as the bisections under results/churn-ab-queues-*).
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 SKIP_BUILD=1 benchmarks/churn-ab.sh BASE CHANGE [ROUNDS] [-- ARGS]
#
# Default 10 rounds: about 25 minutes on JDK 25 (each round is four runs). ARGS after `--` are
# ChurnProgram's. Environment: JAVA_HOME, SKIP_BUILD=1 as churn.sh (the agent and the benchmarks
# jar); OUT (default benchmarks/target/churn-ab). Writes <out>/summary.md.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 BASE CHANGE [ROUNDS] [-- ARGS]" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
base="$1" change="$2"
shift 2
rounds=10
if [[ $# -gt 0 && $1 != -- ]]; then rounds="$1"; shift; fi
[[ $# -gt 0 && $1 == -- ]] && shift
out="${OUT:-$here/target/churn-ab}"
mkdir -p "$out"

source "$here/build.sh"
"$here/extension-at.sh" "$base" "$out/base.jar"
"$here/extension-at.sh" "$change" "$out/change.jar"

for r in $(seq 1 "$rounds"); do
  if ((r % 2)); then order=(base change); else order=(change base); fi
  for v in "${order[@]}"; do
    # churn.sh puts its own extension first on the command line and EXT_ARGS after it: the last
    # -Dotel.javaagent.extensions wins
    OUT="$out/$v-$r" ROUNDS=1 SKIP_BUILD=1 EXT_ARGS="-Dotel.javaagent.extensions=$out/$v.jar" \
      "$here/churn.sh" "$@" > "$out/$v-$r.log" 2>&1
    echo "round $r, $v: $(grep -o 'extension / agent = \*\*[0-9.]*' "$out/$v-$r/churn.md" | head -1 | tr -d '*')"
  done
done
{
  echo "# ChurnProgram: extension at $base (base) and at $change (change), each against the agent alone"
  echo
  echo "$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -1); $(nproc) CPUs; $rounds rounds; args: ${*:-defaults}"
  for v in base change; do
    echo
    echo "## $v: extension / agent alone, the rounds pooled"
    echo
    echo '```'
    "$here/churn-combine.sh" "$out"/$v-*/churn.md
    echo '```'
  done
  echo
  echo "## change / base: the two extensions' runs of each round"
  "$here/churn-ab-pairs.py" "$out"
} | tee "$out/summary.md"
