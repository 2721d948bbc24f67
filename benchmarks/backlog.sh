#!/usr/bin/env bash
# BacklogProgram (ChurnProgram's PriorityBlockingQueue part alone) under the agent alone and with
# the extension, alternating, ROUNDS times: its wall time and how far its producers ran ahead of
# its consumers. Writes <out>/backlog.md.
#
#   ROUNDS=5 benchmarks/backlog.sh            # about 10 s a run
#
# Environment: JAVA_HOME, SKIP_BUILD=1, OUT (default benchmarks/target/backlog) as churn.sh.
# Arguments: BacklogProgram's (elements per producer).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rounds="${ROUNDS:-5}"
out="${OUT:-$here/target/backlog}"
mkdir -p "$out"

source "$here/build.sh"

report="$out/backlog.md"
{
  echo "# BacklogProgram: agent alone vs agent + blocked-time"
  echo
  echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg); args: ${*:-defaults}"
  echo
  echo "| round | config | seconds | largest backlog | mean backlog |"
  echo "|---|---|---:|---:|---:|"
} > "$report"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order=(agent ext); else order=(ext agent); fi
  for config in "${order[@]}"; do
    opts=()
    [[ $config == ext ]] && opts=("-Dotel.javaagent.extensions=$extension")
    line=$("$java" "${opts[@]}" -Xms1g -Xmx1g "-javaagent:$agent" -Dotel.traces.exporter=none \
      -Dotel.metrics.exporter=none -Dotel.logs.exporter=none -cp "$here/target/benchmarks.jar" \
      dev.blockedtime.benchmarks.BacklogProgram "$@" 2>/dev/null | grep '^RESULT backlog-program')
    secs=$(sed -E 's/.* seconds=([0-9.]+).*/\1/' <<<"$line")
    max=$(sed -E 's/.*maxBacklog=([0-9]+).*/\1/' <<<"$line")
    mean=$(sed -E 's/.*meanBacklog=([0-9]+).*/\1/' <<<"$line")
    echo "| $r | $config | $secs | $max | $mean |" | tee -a "$report"
  done
done
echo "Written: $report"
