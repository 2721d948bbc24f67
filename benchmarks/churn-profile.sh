#!/usr/bin/env bash
# Where ChurnProgram spends its CPU under the agent with the extension: one run under
# async-profiler (CPU samples every millisecond, fetched from Maven Central as
# tools.profiler:async-profiler), then the share of all samples that each of the extension's
# methods (and the JIT's compiler threads) holds, inclusive of what it calls. Writes
# <out>/profile.collapsed (collapsed stacks, for a flame graph), <out>/profile.md, and the
# program's RESULT line and the number of samples (milliseconds of CPU) beside them.
#
#   benchmarks/churn-profile.sh 200000 1000000 1000000    # a quarter of the default sizes
#
# Environment: JAVA_HOME, SKIP_BUILD=1, OUT (default benchmarks/target/churn-profile) and EXT_ARGS
# (the extension's extra JVM arguments), as churn.sh; BUSY=N runs N busy loops beside the program for as long as it runs, to see what
# the extension does on a host with less CPU than the program's threads want (default 0);
# CONFIG=agent profiles the agent alone instead (its profile.collapsed is what
# benchmarks/profile-diff.py compares with the extension's).
# Arguments: ChurnProgram's. Linux x64 only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
out="${OUT:-$here/target/churn-profile}"
mkdir -p "$out"

source "$here/build.sh"

source "$here/async-profiler.sh"

# shellcheck disable=SC2206 # EXT_ARGS is a list of arguments
ext_arg=("-Dotel.javaagent.extensions=$extension" ${EXT_ARGS:-})
[[ "${CONFIG:-ext}" == agent ]] && ext_arg=()

"$root/scripts/with-busy-loops.sh" "${BUSY:-0}" "$java" -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
  "-agentpath:$profiler_lib=start,event=cpu,interval=1ms,file=$out/profile.collapsed,collapsed" \
  "${ext_arg[@]}" "${churn_java[@]}" "$@" 2>/dev/null | grep '^RESULT' | tee "$out/result.txt"

# Inclusive share of each frame: a sample counts once for every distinct frame on its stack.
awk -v samples="$out/samples.txt" '
  { n = $NF; $NF = ""; total += n; split($0, f, ";"); delete seen
    for (i in f) { g = f[i]; sub(/ +$/, "", g); if (!(g in seen)) { seen[g] = 1; inc[g] += n } } }
  END { for (g in inc) if (g ~ /dev\/blockedtime\/(bootstrap|javaagent)|CompileBroker::compiler_thread_loop/)
          printf "%6.2f%% %s\n", 100 * inc[g] / total, g
        printf "%d samples\n", total > "/dev/stderr"; printf "%d samples\n", total > samples }
' "$out/profile.collapsed" | sort -rn | head -40 | tee "$out/profile.md"
