#!/usr/bin/env bash
# ChurnProgram under the agent alone and with the extension, alternating, ROUNDS times each, each
# run under GNU time: its wall time, the user and system CPU time of the whole JVM, and its
# voluntary and involuntary context switches. A thread that parks and is woken again switches
# voluntarily, so the voluntary switches count the program's parks, which are the waits the
# extension records; the user time is where the extension's own work shows. Unlike the wall time
# of the whole program, those two hardly depend on which group of threads the scheduler favours.
# Writes <out>/rusage.md: every run, the medians per configuration, and the extension's extra user
# time per voluntary switch of its runs (start-up included: subtract a run of `1 0 0 0`'s).
#
#   ROUNDS=3 benchmarks/churn-rusage.sh 1000000 0 0 0   # ArrayBlockingQueue's part alone
#   ROUNDS=3 benchmarks/churn-rusage.sh 1 0 0 0         # start-up and warm-up only: the fixed part
#
# Environment: JAVA_HOME, SKIP_BUILD=1, OUT (default benchmarks/target/churn-rusage) and EXT_ARGS
# (extra JVM arguments for the extension's runs only, its settings) as churn.sh.
# Needs GNU time (/usr/bin/time; Debian's package "time"). Arguments: ChurnProgram's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rounds="${ROUNDS:-3}"
out="${OUT:-$here/target/churn-rusage}"
mkdir -p "$out"
[[ -x /usr/bin/time ]] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }

source "$here/build.sh"

report="$out/rusage.md"
{
  echo "# ChurnProgram: the whole JVM's CPU time and context switches, agent alone vs agent + blocked-time"
  echo
  echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg); args: ${*:-defaults}; extension's extra JVM arguments: ${EXT_ARGS:-none}"
  echo
  echo "| round | config | wall (s) | user (s) | system (s) | voluntary switches | involuntary switches |"
  echo "|---|---|---:|---:|---:|---:|---:|"
} > "$report"
runs="$out/runs.txt"
: > "$runs"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order=(agent ext); else order=(ext agent); fi
  for config in "${order[@]}"; do
    ext_opt=()
    # shellcheck disable=SC2206 # EXT_ARGS is a list of arguments
    [[ $config == ext ]] && ext_opt=("-Dotel.javaagent.extensions=$extension" ${EXT_ARGS:-})
    stats=$(/usr/bin/time -f "%e %U %S %w %c" "$java" "${ext_opt[@]}" "${churn_java[@]}" "$@" 2>&1 >"$out/last.out" | tail -1)
    grep -q '^RESULT' "$out/last.out" || { echo "round $r, $config: no result" | tee -a "$report" >&2; exit 1; }
    read -r wall user sys vcs ivcs <<<"$stats"
    echo "$config $wall $user $sys $vcs $ivcs" >> "$runs"
    echo "| $r | $config | $wall | $user | $sys | $vcs | $ivcs |" | tee -a "$report"
  done
done
python3 - "$runs" <<'PY' | tee -a "$report"
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
cols = ["wall (s)", "user (s)", "system (s)", "voluntary switches", "involuntary switches"]
med = {c: [statistics.median(float(r[i + 1]) for r in rows if r[0] == c) for i in range(5)] for c in ("agent", "ext")}
print()
print("| median | " + " | ".join(cols) + " |")
print("|---|" + "---:|" * len(cols))
for c in ("agent", "ext"):
    print(f"| {c} | " + " | ".join(f"{v:.2f}" if i < 3 else f"{v:.0f}" for i, v in enumerate(med[c])) + " |")
extra = med["ext"][1] - med["agent"][1]
print()
print(f"The extension's runs: {extra:+.2f} s of user time (medians), "
      f"{1e6 * extra / max(med['ext'][3], 1):.2f} us per voluntary switch of their median run "
      "(start-up and warm-up included).")
PY
