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

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "Building the extension and the benchmarks..." >&2
  mvn -q -f "$root/pom.xml" package -pl extension/bootstrap,extension/javaagent -DskipTests
  mvn -q -f "$root/benchmarks/pom.xml" package
fi

extension="$root/extension/javaagent/target/blocked-time-extension-0.1.0-SNAPSHOT.jar"
agent="$here/target/agent/opentelemetry-javaagent.jar"
for f in "$extension" "$agent" "$here/target/benchmarks.jar"; do
  [[ -f "$f" ]] || { echo "Missing $f (build failed, or SKIP_BUILD=1 without a previous build)" >&2; exit 1; }
done

exec "$java" -cp "$here/target/benchmarks.jar" dev.blockedtime.benchmarks.CompareRunner \
  --agent "$agent" --extension "$extension" --out "$here/target" "$@"
