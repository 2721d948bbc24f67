#!/usr/bin/env bash
# How long the wait path's two halves take on the application's threads inside ChurnProgram, the
# whole program of issue #10: builds the extension at commit 83cbbac with waitpath.patch applied (or, with COMMIT set, that
# commit with waitpath-COMMIT.patch where there is one)
# (a class, WaitPathTimes, that times BlockedTime.begin, which opens a wait, and
# BlockedTime.finish, which closes, walks and records it, and prints both at exit; and
# WaitCalls.transferWait, which marks a rendezvous queue's operation, a line the reports jdk25.md
# and jdk17.md predate), then runs the program RUNS times with it. A measurement, never on main: the two clock reads it adds to each
# half are part of what it reports (about 25 ns each on this host).
#
#   [JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64] SKIP_BUILD=1 benchmarks/results/wait-path-insitu/run.sh [RUNS] [-- ARGS]
#   COMMIT=637c87f ... run.sh 1 -- 1000000 0 0 4    # another commit the patch applies to
#
# Default 2 runs at ChurnProgram's default sizes (ARGS after `--` are its arguments). Prints each
# run's RESULT, PARTS and WAITPATH lines. Environment: JAVA_HOME; SKIP_BUILD=1 as churn.sh; OUT
# (default benchmarks/target/wait-path-insitu); COMMIT (default 83cbbac).
set -euo pipefail

share="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$share/../.." && pwd)"
root="$(cd "$here/.." && pwd)"
runs=2
if [[ $# -gt 0 && $1 != -- ]]; then runs="$1"; shift; fi
[[ $# -gt 0 && $1 == -- ]] && shift
out="${OUT:-$here/target/wait-path-insitu}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mkdir -p "$out"

source "$here/build.sh"
commit="${COMMIT:-83cbbac}"
# the patch for that commit where its code moved, else the first one
patch="$share/waitpath-$commit.patch"
[[ -f "$patch" ]] || patch="$share/waitpath.patch"
"$here/extension-at.sh" "$commit" "$out/timed.jar" "$patch"

echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; commit $commit; args: ${*:-defaults}"
for r in $(seq 1 "$runs"); do
  echo "## run $r (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  "$java" "-Dotel.javaagent.extensions=$out/timed.jar" "${churn_java[@]}" "$@" 2>&1 |
    grep -E '^(RESULT|PARTS|WAITPATH)'
done
