#!/usr/bin/env bash
# Overhead comparison: every selected JMH benchmark without an agent, with the OpenTelemetry agent
# alone, and with agent + blocked-time extension, in one run. Prints a markdown table of
# throughputs and ratios and writes benchmarks/target/results.md, results.json (raw JMH JSON) and
# jmh.log.
#
#   benchmarks/run.sh                      # everything, defaults: 2 forks x (5x1s warmup + 5x1s)
#   benchmarks/run.sh --quick              # smoke run, about 2-3 minutes
#   benchmarks/run.sh QueueBenchmarks      # only benchmarks matching a regex (several allowed)
#   benchmarks/run.sh --forks 3 --i 10 'abq'
#   benchmarks/run.sh --help               # all options
#
# Environment: JAVA_HOME picks the JDK (used for the build and for every benchmark fork);
# SKIP_BUILD=1 reuses the jars already built.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

if [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java="java"
fi

source "$here/build.sh"

exec "$java" -cp "$here/target/benchmarks.jar" dev.blockedtime.benchmarks.CompareRunner \
  --agent "$agent" --extension "$extension" --out "$here/target" "$@"
