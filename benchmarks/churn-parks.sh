#!/usr/bin/env bash
# Where the extension's extra parks in ChurnProgram are: the agent alone and the agent with the
# extension, alternating, ROUNDS times each, each run under a Flight Recorder recording of every
# LockSupport park (benchmarks/park-count.jfc: jdk.ThreadPark, no threshold, no stacks). ParkCounts
# counts each run's parks by group of the program's threads (which ChurnProgram names by part and
# role: abq-put-, abq-take-, ..., locks-) and by the class of the park's blocker. Writes each run's
# counts (<out>/<config>-<round>.tsv) and <out>/parks.md: per group and blocker class, the median
# number of parks and of parks under 10 µs in each configuration's runs, and the median total.
# The recording costs each park an event in both configurations alike.
#
#   ROUNDS=2 benchmarks/churn-parks.sh                 # default sizes
#
# Environment: JAVA_HOME, SKIP_BUILD=1, OUT (default benchmarks/target/churn-parks) and EXT_ARGS
# as churn.sh. Arguments: ChurnProgram's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
rounds="${ROUNDS:-2}"
out="${OUT:-$here/target/churn-parks}"
mkdir -p "$out"

source "$here/build.sh"

header="$("$java" -version 2>&1 | head -1); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg); args: ${*:-defaults}; extension's extra JVM arguments: ${EXT_ARGS:-none}"
: > "$out/results.txt"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order=(agent ext); else order=(ext agent); fi
  for config in "${order[@]}"; do
    ext=()
    # shellcheck disable=SC2206 # EXT_ARGS is a list of arguments
    [[ $config == ext ]] && ext=("-Dotel.javaagent.extensions=$extension" ${EXT_ARGS:-})
    jfr="$out/$config-$r.jfr"
    "$java" "-XX:StartFlightRecording:settings=$here/park-count.jfc,filename=$jfr" "${ext[@]}" \
      "${churn_java[@]}" "$@" 2>/dev/null | grep '^RESULT' | sed "s/^/$config $r /" | tee -a "$out/results.txt"
    "$java" -cp "$here/target/benchmarks.jar" dev.blockedtime.benchmarks.ParkCounts "$jfr" > "$out/$config-$r.tsv"
    rm -f "$jfr" # hundreds of MB; the counts are kept
  done
done

python3 - "$out" "$rounds" "$header" <<'PY' | tee "$out/parks.md"
import collections, statistics, sys
out, rounds, header = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = {c: [] for c in ("agent", "ext")}
for c in runs:
    for r in range(1, rounds + 1):
        rows = {}
        for line in open(f"{out}/{c}-{r}.tsv"):
            group, cls, n, short, secs = line.rstrip("\n").split("\t")
            rows[(group, cls)] = (int(n), int(short))
        runs[c].append(rows)
def med(c, key, i):
    return statistics.median(run.get(key, (0, 0))[i] for run in runs[c])
keys = sorted({k for c in runs for run in runs[c] for k in run}, key=lambda k: -med("ext", k, 0))
print("# ChurnProgram's parks by thread group and blocker: agent alone vs agent + blocked-time")
print()
print(f"{header}; {rounds} runs per configuration")
print()
for line in open(f"{out}/results.txt"):
    print(f"- {line.strip()}")
print()
print("Medians over each configuration's runs; `short` are parks under 10 µs.")
print()
print("| thread group | blocker class | agent parks | ext parks | ext − agent | agent short | ext short |")
print("|---|---|---:|---:|---:|---:|---:|")
totals = collections.Counter()
for k in keys:
    a, e = med("agent", k, 0), med("ext", k, 0)
    if max(a, e) < 1000:
        continue
    print(f"| {k[0]} | {k[1]} | {a:.0f} | {e:.0f} | {e - a:+.0f} | {med('agent', k, 1):.0f} | {med('ext', k, 1):.0f} |")
for c in runs:
    t = statistics.median(sum(v[0] for v in run.values()) for run in runs[c])
    print(f"\nAll parks, median per run, {c}: {t:.0f}")
PY
