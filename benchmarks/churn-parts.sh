#!/usr/bin/env bash
# ChurnProgram under the agent alone, with the extension, and with the extension's queue or lock
# part off, in rotation, ROUNDS times, each run with a GC log: which part of the extension a
# difference in wall time comes with, and whether it comes with the heap (the program's
# PriorityBlockingQueue and DelayQueue are unbounded: their producers outrun their consumers, and
# the backlog's size moves the consumers' cost per element and the collector's work). Prints and
# writes to <out>/parts.md each run's wall and CPU seconds, its young collections, its
# concurrent cycles and the largest heap a young collection left.
#
#   ROUNDS=3 benchmarks/churn-parts.sh            # default sizes, about 4 minutes a round
#
# Environment: JAVA_HOME, SKIP_BUILD=1, OUT (default benchmarks/target/churn-parts) as churn.sh;
# CONFIGS (default "agent ext noqueues nolocks"). Arguments: ChurnProgram's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rounds="${ROUNDS:-3}"
out="${OUT:-$here/target/churn-parts}"
mkdir -p "$out"

source "$here/build.sh"

read -r -a configs <<<"${CONFIGS:-agent ext noqueues nolocks}"
report="$out/parts.md"
{
  echo "# ChurnProgram by part of the extension, with GC logs"
  echo
  echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg); args: ${*:-defaults}"
  echo
  echo "| round | config | seconds | CPU seconds | young collections | concurrent cycles | largest heap after a young collection (MB) |"
  echo "|---|---|---:|---:|---:|---:|---:|"
} > "$report"
prefix=otel.instrumentation.blocked-time
for ((r = 1; r <= rounds; r++)); do
  # rotate the order, so a drifting host hits every configuration alike
  n=${#configs[@]}
  for ((k = 0; k < n; k++)); do
    config=${configs[$(((k + r - 1) % n))]}
    case $config in
      agent) opts=() ;;
      ext) opts=("-Dotel.javaagent.extensions=$extension") ;;
      noqueues) opts=("-Dotel.javaagent.extensions=$extension" "-D$prefix.queues.enabled=false") ;;
      nolocks) opts=("-Dotel.javaagent.extensions=$extension" "-D$prefix.locks.enabled=false" "-D$prefix.monitors.enabled=false") ;;
      *) echo "unknown config $config" >&2; exit 2 ;;
    esac
    gc="$out/gc-$r-$config.log"
    line=$("$java" "${opts[@]}" "-Xlog:gc:file=$gc" "${churn_java[@]}" "$@" 2>/dev/null | grep '^RESULT churn-program')
    secs=$(sed -E 's/.* seconds=([0-9.]+).*/\1/' <<<"$line")
    cpu=$(sed -E 's/.*cpuSeconds=([0-9.]+).*/\1/' <<<"$line")
    young=$(grep -c 'Pause Young' "$gc" || true)
    cycles=$(grep -c 'Concurrent Mark Cycle [0-9.]*ms' "$gc" || true)
    peak=$(grep 'Pause Young' "$gc" | sed -E 's/.*->([0-9]+)M.*/\1/' | sort -n | tail -1)
    echo "| $r | $config | $secs | $cpu | $young | $cycles | $peak |" | tee -a "$report"
  done
done
echo "Written: $report"
