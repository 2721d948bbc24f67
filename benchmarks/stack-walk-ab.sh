#!/usr/bin/env bash
# A/B of two commits on the stack walk of a long wait (StackWalkBenchmarks: the core's walk at the
# default depth, with no agent, the core on the class path): builds the benchmarks jar at BASE and
# at CHANGE in git worktrees (each jar holds its commit's core), then runs ROUNDS rounds, each one
# fork of the base and one of the change, adjacent in time, with the --add-opens the extension
# gives its core. Writes <out>/<round>-<base|change>.txt (JMH's output) and <out>/summary.md (each
# round's change/base ratio per benchmark, and their median).
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/stack-walk-ab.sh BASE CHANGE [ROUNDS]
#
# Default 6 rounds (about a minute each). Environment: JAVA_HOME; OUT (default
# benchmarks/target/stack-walk-ab).
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 BASE CHANGE [ROUNDS]" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
base="$1" change="$2" rounds="${3:-6}"
out="${OUT:-$here/target/stack-walk-ab}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mkdir -p "$out"

build() { # COMMIT JAR
  local wt
  wt="$(mktemp -d)"
  git -C "$root" worktree add -q --detach "$wt" "$1"
  mvn -B -ntp -q -f "$wt/pom.xml" package -pl extension/bootstrap,benchmarks -am -DskipTests
  cp "$wt/benchmarks/target/benchmarks.jar" "$2"
  git -C "$root" worktree remove --force "$wt"
}
build "$base" "$out/base.jar"
build "$change" "$out/change.jar"

opens="-Xms1g -Xmx1g --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.lang.invoke=ALL-UNNAMED"
echo "$("$java" -version 2>&1 | head -1); $(nproc) CPUs; base $base, change $change; $rounds rounds" > "$out/summary.md"
for r in $(seq 1 "$rounds"); do
  for v in base change; do
    "$java" -jar "$out/$v.jar" 'StackWalkBenchmarks.waitingStack' -f 1 -wi 3 -i 5 -w 1s -r 1s \
      -jvmArgs "$opens" > "$out/$r-$v.txt" 2>&1
  done
done
python3 - "$out" "$rounds" >> "$out/summary.md" <<'PY'
import re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def scores(path):
    return {m.group(1): float(m.group(2)) for m in
            re.finditer(r"^StackWalkBenchmarks\.(\w+)\s+avgt\s+\d+\s+([\d.]+)", open(path).read(), re.M)}
rows = [(scores(f"{out}/{r}-base.txt"), scores(f"{out}/{r}-change.txt")) for r in range(1, rounds + 1)]
for bench in sorted(rows[0][0]):
    base = [b[bench] for b, _ in rows]
    change = [c[bench] for _, c in rows]
    ratios = [c / b for b, c in zip(base, change)]
    print(f"\n{bench} (ns a walk): base {' '.join(f'{x:.0f}' for x in base)}; change {' '.join(f'{x:.0f}' for x in change)}")
    print(f"change/base each round: {' '.join(f'{x:.3f}' for x in ratios)}; median **{statistics.median(ratios):.3f}**;"
          f" medians {statistics.median(base):.0f} and {statistics.median(change):.0f} ns")
PY
cat "$out/summary.md"
