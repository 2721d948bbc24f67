#!/usr/bin/env bash
# What the JIT compiles while ChurnProgram runs: one run with the agent and the extension (or, with
# CONFIG=agent, the agent alone) under -XX:+LogCompilation, then the C2 compilations that ended
# after the program's main class loaded, in the order they began: seconds after main, how long
# each took, the size of the code it made, the bytecode it inlined, and the method. A method
# whose compilation inlines kilobytes, or a list that runs on for seconds after main, is the JIT
# working for us while the application waits in C1 code.
#
#   benchmarks/churn-compilation.sh                          # default sizes, with the extension
#   CONFIG=agent benchmarks/churn-compilation.sh 200000 1000000 1000000
#
# Environment: JAVA_HOME, SKIP_BUILD=1, OUT (default benchmarks/target/churn-compilation) and
# EXT_ARGS (the extension's extra JVM arguments), as churn.sh. Arguments: ChurnProgram's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
out="${OUT:-$here/target/churn-compilation}"
mkdir -p "$out"

source "$here/build.sh"

# shellcheck disable=SC2206 # EXT_ARGS is a list of arguments
ext=("-Dotel.javaagent.extensions=$extension" ${EXT_ARGS:-})
[[ "${CONFIG:-ext}" == agent ]] && ext=()
"$java" "${ext[@]}" \
  -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation "-XX:LogFile=$out/compilation.log" \
  "-Xlog:class+load=info:file=$out/classes.log:uptime" \
  "${churn_java[@]}" "$@" 2>/dev/null |
  grep '^RESULT'

main=$(grep -m1 'dev.blockedtime.benchmarks.ChurnProgram ' "$out/classes.log" | sed -E 's/^\[([0-9.]+)s.*/\1/')
echo "C2 compilations that ended after main ($main s after start): start after main, seconds, code bytes, inlined bytecode bytes, method"
awk -v main="$main" '
  function attr(line, name,   m) { return match(line, name "='"'"'[^'"'"']*'"'"'") ? substr(line, RSTART + length(name) + 2, RLENGTH - length(name) - 3) : "" }
  /^<task / { level = attr($0, "level"); method = attr($0, "method"); start = attr($0, "stamp") + 0 }
  /^<task_done/ && level == "" && attr($0, "stamp") + 0 > main + 0 {
    end = attr($0, "stamp") + 0; total += end - (start > main + 0 ? start : main + 0)
    printf "%+7.2f %5.2f %7d %6d %s\n", start - main, end - start, attr($0, "nmsize"), attr($0, "inlined_bytes"), method
  }
  /^<task_done/ { level = "x" }
  END { printf "C2 busy after main: %.1f s\n", total }' "$out/compilation.log"
# Classes loaded after main: each goes through the agent's matchers, and a burst of them (Flight
# Recorder's, when the monitor part's stream starts) is work for the JIT as well.
awk -v main="$main" '{t = substr($1, 2) + 0} t > main + 0 {n++} END {printf "classes loaded after main: %d\n", n}' "$out/classes.log"
