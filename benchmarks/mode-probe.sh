#!/usr/bin/env bash
# Are the executor benchmarks' two modes the host's or the extension's? Runs ModeProbe (the
# submit+run loop of ExecutorBenchmarks outside JMH, one line a second with the round trip of a
# cache line between two threads beside it) under the agent alone and with the extension,
# alternating, ROUNDS JVMs each per pool, then sorts every second by that round trip: fast
# (under 150 ns), slow (over 250 ns), or between. Writes <out>/raw.txt and <out>/modes.md: per
# pool, configuration and mode, the seconds, their median throughput, and the extension's ratio
# to the agent alone within each mode.
#
#   benchmarks/mode-probe.sh                     # 5 rounds of 30 s per pool and configuration
#   ROUNDS=3 SECONDS_PER_RUN=20 POOLS="fjp" benchmarks/mode-probe.sh
#
# Environment: JAVA_HOME, SKIP_BUILD=1, OUT (default benchmarks/target/mode-probe), EXTENSION (another
# extension jar: to compare two versions of the code, run the script once with each), PAUSES (the
# submitter's Thread.onSpinWait() calls between two reads of the worker's count, default 1, as in
# ExecutorBenchmarks). Metrics are
# recorded (the Prometheus exporter, pulled by no one), as run.sh --record-metrics does; the
# first WARMUP seconds of each JVM (default 5) are left out.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rounds="${ROUNDS:-5}"
secs="${SECONDS_PER_RUN:-30}"
warmup="${WARMUP:-5}"
pools="${POOLS:-fjp tpe}"
pauses="${PAUSES:-1}"
out="${OUT:-$here/target/mode-probe}"
mkdir -p "$out"

source "$here/build.sh"
extension="${EXTENSION:-$extension}"

common=(-Xms1g -Xmx1g "-javaagent:$agent" -Dotel.traces.exporter=none -Dotel.logs.exporter=none
  -Dotel.metrics.exporter=prometheus -Dotel.exporter.prometheus.host=127.0.0.1
  -Dotel.exporter.prometheus.port=19464 -cp "$here/target/benchmarks.jar")
raw="$out/raw.txt"
: > "$raw"
for pool in $pools; do
  for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then order=(agent ext); else order=(ext agent); fi
    for config in "${order[@]}"; do
      ext_opt=()
      [[ $config == ext ]] && ext_opt=("-Dotel.javaagent.extensions=$extension")
      echo "[$pool round $r] $config" >&2
      "$java" "${common[@]}" "${ext_opt[@]}" dev.blockedtime.benchmarks.ModeProbe "$pool" "$secs" "$pauses" 2>/dev/null \
        | grep '^SECOND' | sed "s/^SECOND /config=$config round=$r /" >> "$raw"
    done
  done
done

{
  echo "# Executor modes: the host's cache-line round trip beside each second's throughput"
  echo
  echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; $rounds JVMs of $secs s per pool and configuration, alternating, $pauses pause(s) per poll of the worker's count, first $warmup s of each left out; $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "A second is **fast** when the round trip measured right after it took under 150 ns, **slow** over 250 ns."
  echo
  awk -v warmup="$warmup" '
    function val(k,   i, a) { for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] } }
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n == 0 ? "" : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
    }
    val("s") >= warmup {
      pp = val("pingPongNs"); mode = pp < 150 ? "fast" : (pp > 250 ? "slow" : "between")
      k = val("pool") " " val("config") " " mode
      n[k]++; ops[k] = ops[k] " " val("opsPerUs"); cpu[k] = cpu[k] " " val("workerCpu"); rtt[k] = rtt[k] " " pp
      total[val("pool") " " val("config")]++
    }
    END {
      print "| pool | config | mode | seconds | share | median ops/µs | median worker CPU | median round trip (ns) |"
      print "|---|---|---|---:|---:|---:|---:|---:|"
      split("fjp tpe", P, " "); split("agent ext", C, " "); split("fast slow between", M, " ")
      for (p = 1; p <= 2; p++) for (c = 1; c <= 2; c++) for (m = 1; m <= 3; m++) {
        k = P[p] " " C[c] " " M[m]; if (!(k in n)) continue
        med[k] = median(ops[k])
        printf "| %s | %s | %s | %d | %.2f | %.3f | %.2f | %.0f |\n", P[p], C[c], M[m], n[k], n[k] / total[P[p] " " C[c]], med[k], median(cpu[k]), median(rtt[k])
      }
      print ""
      print "| pool | mode | ext / agent, medians | Δ ns per task |"
      print "|---|---|---:|---:|"
      for (p = 1; p <= 2; p++) for (m = 1; m <= 2; m++) {
        a = P[p] " agent " M[m]; e = P[p] " ext " M[m]
        if ((a in med) && (e in med)) printf "| %s | %s | %.3f | %+.1f |\n", P[p], M[m], med[e] / med[a], 1000 / med[e] - 1000 / med[a]
      }
    }' "$raw"
} > "$out/modes.md"
cat "$out/modes.md"
