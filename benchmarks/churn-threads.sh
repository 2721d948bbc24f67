#!/usr/bin/env bash
# Where ChurnProgram's CPU goes, by thread: the agent alone and the agent with the extension,
# alternating, ROUNDS times each. Each run's threads are read from /proc every second (user +
# system time, the last reading of each thread), grouped by name with the digits dropped
# ("abq-take-3" is "abq-take-#": one group of the program's own threads, which ChurnProgram names
# by part and role, "Thread-#" in runs before it did; "C2 CompilerThre": the JIT;
# "blocked-time-jf": the monitor part's JFR stream; "JFR ..." Flight Recorder's own). Writes each
# run's groups and, per group, the median over each configuration's runs to <out>/threads.md.
# Unlike the wall time, a group's CPU says who did the work: the JIT compiling our advice, our
# own threads, or the application's threads (whose figure also holds their spinning, which moves
# with the scheduling from run to run).
#
#   ROUNDS=3 benchmarks/churn-threads.sh                 # default sizes
#   benchmarks/churn-threads.sh 250000 1250000 250000    # ChurnProgram's arguments
#
# Environment: JAVA_HOME, SKIP_BUILD=1, OUT (default benchmarks/target/churn-threads) and EXT_ARGS
# as in churn.sh. Linux only (/proc).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rounds="${ROUNDS:-3}"
out="${OUT:-$here/target/churn-threads}"
mkdir -p "$out"

source "$here/build.sh"

tck=$(getconf CLK_TCK)
report="$out/threads.md"
{
  echo "# ChurnProgram's CPU by thread: agent alone vs agent + blocked-time"
  echo
  echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg); args: ${*:-defaults}; extension's extra JVM arguments: ${EXT_ARGS:-none}"
  echo
  echo "CPU seconds per thread group (user + system, from /proc, the last reading of each thread; groups under 0.05 s left out)."
  echo
} > "$report"

# run <config> <round>: one run; appends "config|group|seconds" lines to $out/groups.txt
run() {
  local config=$1 r=$2 snap="$out/snap.txt" line pid
  local ext=()
  # shellcheck disable=SC2206 # EXT_ARGS is a list of arguments
  [[ $config == ext ]] && ext=("-Dotel.javaagent.extensions=$extension" ${EXT_ARGS:-})
  "$java" "${ext[@]}" "${churn_java[@]}" "${@:3}" > "$out/run.out" 2>/dev/null &
  pid=$!
  : > "$snap"
  # One awk a second reads every thread's stat (a process per thread would load the CPUs the
  # program is measured on): "tid (name) state ...", utime and stime the 12th and 13th fields
  # after the name, which may hold spaces.
  while kill -0 "$pid" 2>/dev/null; do
    # (cat goes on past a thread that ended between the listing and the read; awk would stop)
    cat /proc/"$pid"/task/*/stat 2>/dev/null | awk '{
        lp = index($0, "("); rp = match($0, /\) [A-Z] /)
        if (!lp || !rp) next
        name = substr($0, lp + 1, rp - lp - 1)
        split(substr($0, rp + 2), f, " ")
        print $1 "|" name "|" f[12] + f[13]
      }' >> "$snap" || true
    sleep 1
  done
  wait "$pid" || true
  line=$(grep '^RESULT churn-program' "$out/run.out" || echo "RESULT churn-program seconds=failed")
  {
    echo "## round $r, $config: $(sed -E 's/.* seconds=([0-9.a-z]+).*/\1/' <<<"$line") s wall"
    echo
    echo "| thread group | CPU s |"
    echo "|---|---:|"
  } >> "$report"
  awk -F'|' -v tck="$tck" -v config="$config" -v groups="$out/groups.txt" '
    {if ($3 >= last[$1]) last[$1] = $3; name[$1] = $2}
    END {
      for (t in last) {n = name[t]; gsub(/[0-9]+$/, "#", n); c[n] += last[t]}
      for (k in c) if (c[k] / tck >= 0.05) {
        printf "| %s | %.2f |\n", k, c[k] / tck
        printf "%s|%s|%.2f\n", config, k, c[k] / tck >> groups
      }
    }' "$snap" | sort -t'|' -k3 -rn >> "$report"
  echo >> "$report"
  echo "round $r $config: $line" >&2
}

: > "$out/groups.txt"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order=(agent ext); else order=(ext agent); fi
  for config in "${order[@]}"; do
    run "$config" "$r" "$@"
  done
done

{
  echo "## Medians over the runs ($rounds per configuration; a group missing from a run counts 0)"
  echo
  echo "| thread group | agent alone | agent + extension | difference |"
  echo "|---|---:|---:|---:|"
  awk -F'|' -v rounds="$rounds" '
    {v[$1 "|" $2] = v[$1 "|" $2] " " $3; g[$2] = 1}
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = n + 1; i <= rounds; i++) a[i] = 0
      n = rounds
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) {t = a[i]; a[i] = a[j]; a[j] = t}
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END {
      for (k in g) {
        ma = median(v["agent|" k]); me = median(v["ext|" k])
        printf "| %s | %.2f | %.2f | %+.2f |\n", k, ma, me, me - ma
      }
    }' "$out/groups.txt" | sort -t'|' -k4 -rn
} | tee -a "$report"
rm -f "$out/snap.txt" "$out/run.out"
