#!/usr/bin/env bash
# How many stack walks a ChurnProgram run makes, and how many of the walks before a park were used:
# builds the extension at COMMIT with count.patch applied (counters in BlockedTime#preWalk and
# #finish, printed at exit as a PREWALKS line), then runs the program RUNS times with it. A
# measurement, never on main. Fields, by the wait's kind (Rdv: a queue's wait, Lock: a lock,
# semaphore, condition or other synchronizer's): pre* walks before a park, used* of those that the
# wait kept (it lasted the stack threshold), wasted* those it did not, endWalk* walks at a wait's
# end, waits* waits closed, long* waits that lasted the threshold. Walks per run: pre + endWalk.
#
#   [JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64] COMMIT=da9b3fa SKIP_BUILD=1 benchmarks/results/prewalk-counts/run.sh [RUNS] [-- ARGS]
#
# Default 2 runs at ChurnProgram's default sizes (ARGS after `--` are its arguments). Environment:
# JAVA_HOME; SKIP_BUILD=1 as churn.sh; OUT (default benchmarks/target/prewalk-counts); COMMIT
# (required); PATCH (default count.patch; count-streak.patch also counts, as pre2Lock, used2Lock and
# wasted2Lock, the lock waits' walks before a park had they needed two long waits in a row).
set -euo pipefail

share="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$share/../.." && pwd)"
root="$(cd "$here/.." && pwd)"
runs=2
if [[ $# -gt 0 && $1 != -- ]]; then runs="$1"; shift; fi
[[ $# -gt 0 && $1 == -- ]] && shift
out="${OUT:-$here/target/prewalk-counts}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
commit="${COMMIT:?set COMMIT to the commit to count}"
mkdir -p "$out"

source "$here/build.sh"
"$here/extension-at.sh" "$commit" "$out/counting.jar" "$share/${PATCH:-count.patch}"

echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; commit $commit; args: ${*:-defaults}"
for r in $(seq 1 "$runs"); do
  echo "## run $r (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  "$java" "-Dotel.javaagent.extensions=$out/counting.jar" "${churn_java[@]}" "$@" 2>&1 |
    grep -E '^(RESULT|PARTS|PREWALKS)'
done
