#!/usr/bin/env bash
# Where a JMH benchmark's CPU goes, per configuration: one fork of each configuration under
# async-profiler (CPU samples every 200 µs, fetched from Maven Central as
# tools.profiler:async-profiler, as churn-profile.sh does), then the inclusive share of each frame
# among the samples whose stack matches STACKS: a sample counts once for every distinct frame on
# its stack. Writes <out>/<config>.collapsed (collapsed stacks, for a flame graph) and
# <out>/<config>.md (the shares), and prints the shares.
#
#   STACKS=ForkJoinWorkerThread.run benchmarks/jmh-profile.sh --configs agent,ext --record-metrics fjpSubmitRun
#
# Environment: JAVA_HOME and SKIP_BUILD=1 as run.sh; OUT (default benchmarks/target/jmh-profile);
# STACKS, a regex selecting the stacks to break down (default: all, start-up included; a thread's
# entry frame selects that thread); TOP, how many frames to print per configuration (default 40).
# Arguments: run.sh's (--configs, --wi, --i, --record-metrics, the benchmark regex); one fork
# each, always. Linux x64 only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${OUT:-$here/target/jmh-profile}"
mkdir -p "$out"

source "$here/build.sh"

source "$here/async-profiler.sh"

# The configurations: run.sh's --configs (default agent,ext), taken out of the arguments so that
# each runs on its own and writes its own profile.
configs="agent,ext"
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --configs) configs="$2"; shift 2 ;;
    --forks | --jvm-args | --out) echo "jmh-profile.sh sets $1 itself" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done

IFS=, read -r -a each <<< "$configs"
for config in "${each[@]}"; do
  profiler="-agentpath:$profiler_lib=start,event=cpu,interval=200us,file=$out/$config.collapsed,collapsed"
  SKIP_BUILD=1 "$here/run.sh" --out "$out/run-$config" --configs "$config" --forks 1 \
    --jvm-args "-Xms1g -Xmx1g -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints $profiler" \
    "${args[@]}" | awk '/^\| [A-Za-z]+\.[A-Za-z]/ && !seen[$2]++' | tee "$out/$config.score"
  echo "== $config: inclusive share of the samples whose stack matches '${STACKS:-.}'" | tee "$out/$config.md"
  awk -v pat="${STACKS:-.}" '
    $0 ~ pat { n = $NF; $NF = ""; total += n; split($0, f, ";"); delete seen
      for (i in f) { g = f[i]; sub(/ +$/, "", g); if (!(g in seen)) { seen[g] = 1; inc[g] += n } } }
    END { for (g in inc) printf "%6.2f%% %s\n", 100 * inc[g] / total, g
          printf "%d samples\n", total > "/dev/stderr" }
  ' "$out/$config.collapsed" 2>>"$out/$config.md" | sort -rn | awk -v top="${TOP:-40}" 'NR <= top' |
    tee -a "$out/$config.md"
done
