#!/usr/bin/env bash
# Interleaved rounds of ChurnProgram as churn.sh runs it (the agent alone, then the extension),
# each round once as shipped ("plain") and once with VARIANT, the order swapped from round to
# round:
#   prio: both JVMs with their compiler threads at nice -10 (JAVA_TOOL_OPTIONS; needs root)
#   noc2: the extension's JVM with a compiler directive that keeps the extension's own classes
#         (dev.blockedtime.bootstrap, dev.blockedtime.javaagent) out of C2 (noc2.json)
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/results/churn-c2-priority-jdk25/ab.sh VARIANT ROUNDS OUT
#
# Run from the repository's root, with the agent, the extension and the benchmarks built
# (SKIP_BUILD=1 is passed on). Writes OUT/<plain|VARIANT>-<round>/churn.md and parts.txt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
variant="$1" rounds="$2" out="$3"
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  if ((r % 2)); then order=(plain "$variant"); else order=("$variant" plain); fi
  for v in "${order[@]}"; do
    case "$v" in
      plain) env=() ;;
      prio) env=(JAVA_TOOL_OPTIONS="-XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=-10") ;;
      noc2) env=(EXT_ARGS="-XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=$here/noc2.json") ;;
      *) echo "unknown variant $v" >&2; exit 2 ;;
    esac
    env "${env[@]}" OUT="$out/$v-$r" ROUNDS=1 SKIP_BUILD=1 benchmarks/churn.sh > "$out/$v-$r.log" 2>&1
    echo "round $r $v: $(grep -o 'extension / agent = \*\*[0-9.]*' "$out/$v-$r/churn.md" | head -1 | tr -d '*')"
  done
done
