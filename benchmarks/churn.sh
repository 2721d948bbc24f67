#!/usr/bin/env bash
# The whole-program check of issue #10: ChurnProgram (8 producers and 8 consumers on every queue
# type, 8 threads on every lock type, a million short-lived queues and as many locks) under the
# agent alone and under the agent with the extension, alternating, ROUNDS times each. Prints each
# run's wall time and the whole JVM's CPU time, their medians and ratios, and writes them to
# <out>/churn.md; <out>/parts.txt has, for each run, when each group of the program's threads
# ended (the program's PARTS line). It also gives each round's own ratio (its two runs are
# adjacent), their median, and their mean with a 95% interval: a host whose speed drifts by a
# third within an hour moves both runs of a round alike, so the rounds' ratios spread less than
# the runs do. The issue's target is the wall time. The CPU time says whether a difference is
# work this JVM did; the program keeps every CPU busy, so on a host whose speed moves it moves
# too. A run that prints no result (a thread of the program died, say) stops the script.
#
#   benchmarks/churn.sh                  # 5 rounds, default sizes (about 40 s per run)
#   ROUNDS=3 benchmarks/churn.sh 20000 100000 1000000   # items, increments, resources churned
#   ROUNDS=3 benchmarks/churn.sh 1000000 0 0 0          # ArrayBlockingQueue's part alone
#
# Environment: JAVA_HOME picks the JDK; SKIP_BUILD=1 reuses the jars; OUT (default
# benchmarks/target/churn); EXT_ARGS, extra JVM arguments for the extension's runs only (its
# settings, e.g. -Dotel.instrumentation.blocked-time.queues.enabled=false, to see what one part
# costs); NO_EXTENSION=1 runs that configuration without the extension, EXT_ARGS alone (to price
# something else against the agent alone: a JFR recording, say).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rounds="${ROUNDS:-5}"
out="${OUT:-$here/target/churn}"
mkdir -p "$out"

source "$here/build.sh"

common=("${churn_java[@]}" "$@")

declare -a agent_s ext_s agent_cpu ext_cpu
report="$out/churn.md"
{
  if [[ "${NO_EXTENSION:-0}" == 1 ]]; then
    echo "# ChurnProgram: agent alone vs agent + EXT_ARGS (no extension; the ext rows and ratios are those)"
  else
    echo "# ChurnProgram: agent alone vs agent + blocked-time"
  fi
  echo
  echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg); args: ${*:-defaults}; extension's extra JVM arguments: ${EXT_ARGS:-none}$([[ "${NO_EXTENSION:-0}" == 1 ]] && echo "; **NO_EXTENSION=1: the ext rows ran without the extension, with those arguments alone**")"
  echo
  echo "| round | config | seconds | CPU seconds | heap before (MB) | heap after (MB) |"
  echo "|---|---|---:|---:|---:|---:|"
} > "$report"
: > "$out/parts.txt"
for ((r = 1; r <= rounds; r++)); do
  # alternate which configuration goes first, so a drifting machine hits both alike
  if ((r % 2)); then order=(agent ext); else order=(ext agent); fi
  for config in "${order[@]}"; do
    if [[ $config == ext ]]; then
      # shellcheck disable=SC2086 # EXT_ARGS is a list of arguments
      ext_opt=("-Dotel.javaagent.extensions=$extension")
      [[ "${NO_EXTENSION:-0}" == 1 ]] && ext_opt=()
      lines=$("$java" "${ext_opt[@]}" ${EXT_ARGS:-} "${common[@]}" 2>/dev/null | grep -E '^(RESULT|PARTS|FAILED) churn-program' || true)
    else
      lines=$("$java" "${common[@]}" 2>/dev/null | grep -E '^(RESULT|PARTS|FAILED) churn-program' || true)
    fi
    line=$(grep '^RESULT' <<<"$lines" || true)
    if [[ -z $line ]]; then
      echo "round $r, $config: no result. ${lines:-The JVM printed nothing (it crashed, or did not start).}" | tee -a "$report" >&2
      exit 1
    fi
    # when each group of threads ended (seconds after start): which part the run waited for
    echo "$r $config $(grep '^PARTS' <<<"$lines" | cut -d' ' -f3-)" >> "$out/parts.txt"
    secs=$(sed -E 's/.* seconds=([0-9.]+).*/\1/' <<<"$line")
    cpu=$(sed -E 's/.*cpuSeconds=([0-9.]+).*/\1/' <<<"$line")
    before=$(sed -E 's/.*heapBeforeMb=([0-9.]+).*/\1/' <<<"$line")
    after=$(sed -E 's/.*heapAfterMb=([0-9.]+).*/\1/' <<<"$line")
    echo "| $r | $config | $secs | $cpu | $before | $after |" | tee -a "$report"
    if [[ $config == ext ]]; then ext_s+=("$secs"); ext_cpu+=("$cpu"); else agent_s+=("$secs"); agent_cpu+=("$cpu"); fi
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ma=$(median "${agent_s[@]}")
me=$(median "${ext_s[@]}")
ratio=$(awk -v e="$me" -v a="$ma" 'BEGIN {printf "%.3f", e / a}')
mca=$(median "${agent_cpu[@]}")
mce=$(median "${ext_cpu[@]}")
cpu_ratio=$(awk -v e="$mce" -v a="$mca" 'BEGIN {printf "%.3f", e / a}')
declare -a round_ratio
for ((i = 0; i < rounds; i++)); do
  round_ratio+=("$(awk -v e="${ext_s[i]}" -v a="${agent_s[i]}" 'BEGIN {printf "%.4f", e / a}')")
done
paired_median=$(printf "%.3f" "$(median "${round_ratio[@]}")")
# mean and the half-width of its 95% interval (Student's t for n-1 degrees of freedom; 2.0 past 30)
paired_mean=$(printf '%s\n' "${round_ratio[@]}" | awk '
  {x[NR] = $1; s += $1}
  END {
    m = s / NR; for (i = 1; i <= NR; i++) v += (x[i] - m) ^ 2
    split("12.71 4.30 3.18 2.78 2.57 2.45 2.36 2.31 2.26 2.23 2.20 2.18 2.16 2.14 2.13 2.12 2.11 2.10 2.09 2.09 2.08 2.07 2.07 2.06 2.06 2.06 2.05 2.05 2.05", t, " ")
    tq = NR - 1 <= 29 ? t[NR - 1] : 2.0
    if (NR < 2) printf "%.3f (one round: no interval)", m
    else printf "%.3f ± %.3f", m, tq * sqrt(v / (NR - 1) / NR)
  }')
{
  echo
  echo "Median wall time: agent alone ${ma} s, agent + extension ${me} s; extension / agent = **${ratio}** (results exact in every run: the program checks them)."
  echo
  echo "Each round's extension / agent: $(printf '%.3f ' "${round_ratio[@]}")"
  echo
  echo "Rounds' ratios: median **${paired_median}**, mean with 95% interval **${paired_mean}**."
  echo
  echo "Median CPU time of the whole JVM: agent alone ${mca} s, agent + extension ${mce} s; extension / agent = **${cpu_ratio}** (every thread of the JVM, the JIT's included)."
} | tee -a "$report"
