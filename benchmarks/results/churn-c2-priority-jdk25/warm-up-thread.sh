#!/usr/bin/env bash
# How long the extension's warm-up thread (blocked-time-warm-up) lives in a run of ChurnProgram:
# runs the program as churn.sh does, with the extension, and reads the JVM's threads in /proc
# every 0.2 s. Prints when the thread appeared and was last seen (seconds after the JVM started)
# and its CPU time then. Linux. From the repository's root, with everything built:
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/results/churn-c2-priority-jdk25/warm-up-thread.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
here="$root/benchmarks" # what build.sh expects
SKIP_BUILD=1
source "$here/build.sh"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
out="$(mktemp)"
"$java" "-Dotel.javaagent.extensions=$extension" "${churn_java[@]}" > "$out" 2>&1 &
pid=$!
t0=$(date +%s.%N)
tick=$(getconf CLK_TCK)
first="" last="" cpu=0
while kill -0 "$pid" 2>/dev/null; do
  now=$(date +%s.%N)
  task=$(grep -l '^blocked-time-wa' /proc/"$pid"/task/*/comm 2>/dev/null | head -1 || true)
  if [[ -n "$task" ]]; then
    [[ -z "$first" ]] && first=$(echo "$now - $t0" | bc)
    last=$(echo "$now - $t0" | bc)
    cpu=$(awk '{print $14 + $15}' "${task%comm}stat" 2>/dev/null || echo "$cpu")
  fi
  sleep 0.2
done
grep '^RESULT' "$out" || true
rm -f "$out"
echo "warm-up thread: appeared ${first:-never} s after the JVM started, last seen ${last:-never} s, CPU $(echo "scale=2; $cpu / $tick" | bc) s"
