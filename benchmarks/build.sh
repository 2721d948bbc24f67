#!/usr/bin/env bash
# Sourced by run.sh and churn.sh: builds the extension and the benchmarks module (unless
# SKIP_BUILD=1), then sets $extension and $agent and checks that every jar is there.
# Expects $root (the repository) and $here (benchmarks/).
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  echo "Building the extension and the benchmarks..." >&2
  mvn -q -f "$root/pom.xml" package -pl extension/bootstrap,extension/javaagent,benchmarks -DskipTests
fi

extension="$root/extension/javaagent/target/blocked-time-extension-0.1.0-SNAPSHOT.jar"
agent="$here/target/agent/opentelemetry-javaagent.jar"
for f in "$extension" "$agent" "$here/target/benchmarks.jar"; do
  [[ -f "$f" ]] || { echo "Missing $f (build failed, or SKIP_BUILD=1 without a previous build)" >&2; exit 1; }
done

# The JVM every churn script starts: the agent with its exporters off, running ChurnProgram. A
# script puts its own JVM options before it and the program's arguments after it.
churn_java=(-Xms1g -Xmx1g "-javaagent:$agent" -Dotel.traces.exporter=none
  -Dotel.metrics.exporter=none -Dotel.logs.exporter=none
  -cp "$here/target/benchmarks.jar" dev.blockedtime.benchmarks.ChurnProgram)
