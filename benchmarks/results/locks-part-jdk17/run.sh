#!/usr/bin/env bash
# ChurnProgram's lock part alone (8 threads on every lock type and `synchronized`; a queue part of
# one item, which ChurnProgram needs), under the agent alone and with three builds of the extension
# at COMMIT: as it is (base), with the core opening no wait at all (noop: the advice runs, nothing
# is timed or recorded; ../churn-ab-queues-noop/noop.patch) and with lock waits closed but not
# recorded, so nothing of the recording runs while the thread holds the lock it just took
# (nolockrec: nolockrecord.patch); BUILDS="base nopark" runs instead a build without the advice on
# `LockSupport.park` (nopark: nopark.patch). Scratch builds, never on main. Any other name in
# BUILDS is a commit, built as it is (BUILDS="base 20fa075"). Each run under GNU
# time; a line per run: round, configuration, the program's RESULT (seconds from main) and PARTS
# lines, then TIME wall user system voluntary-switches. The voluntary switches count the lock
# threads' parks.
#
#   JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 COMMIT=94b82f8 SKIP_BUILD=1 benchmarks/results/locks-part-jdk17/run.sh [ROUNDS]
#
# Default 4 rounds. Environment: JAVA_HOME; SKIP_BUILD=1 as churn.sh (the agent and the benchmarks
# jar); OUT (default benchmarks/target/locks-part) for the jars; COMMIT (required).
set -euo pipefail

share="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
here="$(cd "$share/../.." && pwd)"
root="$(cd "$here/.." && pwd)"
rounds="${1:-4}"
out="${OUT:-$here/target/locks-part}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
commit="${COMMIT:?set COMMIT to the commit to build}"
mkdir -p "$out"

builds="${BUILDS:-base noop nolockrec}"
source "$here/build.sh"
for build in $builds; do
  case $build in
    base) "$here/extension-at.sh" "$commit" "$out/base.jar" ;;
    noop) "$here/extension-at.sh" "$commit" "$out/noop.jar" "$share/../churn-ab-queues-noop/noop.patch" ;;
    nolockrec) "$here/extension-at.sh" "$commit" "$out/nolockrec.jar" "$share/nolockrecord.patch" ;;
    nopark) "$here/extension-at.sh" "$commit" "$out/nopark.jar" "$share/nopark.patch" ;;
    *) # any other commit, as it is
      git -C "$root" rev-parse -q --verify "$build^{commit}" > /dev/null ||
        { echo "unknown build $build" >&2; exit 1; }
      "$here/extension-at.sh" "$build" "$out/$build.jar" ;;
  esac
done

echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; commit $commit; args: 1 5000000 0 5"
for r in $(seq 1 "$rounds"); do
  for config in agent $builds; do
    ext=()
    [[ $config != agent ]] && ext=("-Dotel.javaagent.extensions=$out/$config.jar")
    line=$(/usr/bin/time -f "TIME %e %U %S %w" "$java" "${ext[@]}" "${churn_java[@]}" 1 5000000 0 5 2>&1 |
      grep -E '^(TIME|PARTS|RESULT)' | tr '\n' ' ')
    echo "$r $config $line"
  done
done
