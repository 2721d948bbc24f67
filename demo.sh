#!/usr/bin/env bash
# Run the blocked-time demo, no Docker needed (JDK 17+ and Maven 3.8+).
#
# By default, the demo stack (scripts/local-demo.sh): three services (loadgen -> intake -> worker,
# HTTP and gRPC) under the OpenTelemetry Java agent with the extension, exporting OTLP to a real
# Collector that feeds Jaeger v2 and a local Prometheus evaluating the alert rules (the Collector and
# Jaeger are built from stack/ by scripts/build-stack.sh, once; without Go, Prometheus scrapes each
# agent instead), with scenarios switched on over time. Its options:
#   ./demo.sh                               until Ctrl-C
#   ./demo.sh --timeline fast --duration 90s
#   ./demo.sh --help                        every option of the stack
#
# With --quickstart first: one small example application, its waits shown live, no Prometheus:
#   ./demo.sh --quickstart [--duration 20s | --forever | --plain | --interval D | --port N]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
quickstart="$root/demo-services/quickstart"
extension_jar="$root/extension/javaagent/target/blocked-time-extension-0.1.0-SNAPSHOT.jar"
agent_jar="$quickstart/target/agent/opentelemetry-javaagent.jar"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn_bin="${MVN:-mvn}"

step() { printf '==> %s\n' "$*"; }
fail() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

# The demo stack unless --quickstart comes first (--stack is kept as an explicit spelling).
if [[ "${1:-}" != "--quickstart" ]]; then
  [[ "${1:-}" == "--stack" ]] && shift
  exec "$root/scripts/local-demo.sh" "$@"
fi
shift

for arg in "$@"; do
  case "$arg" in
    -h|--help)
      sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
      cat <<'USAGE'

Options (passed to DemoRunner):
  --duration D   how long to watch the application once it is up (default 40s; forms: 500ms, 20s, 2m, 90);
                 the agent's start-up (a few seconds) comes on top
  --forever      run until Ctrl-C
  --interval D   how often to scrape the metrics and redraw (default 2s)
  --plain        print plain snapshots instead of redrawing (the default when stdout is not a terminal)
  --port N       the application's Prometheus port (default: a free one)
USAGE
      exit 0 ;;
  esac
done

command -v "$java_bin" >/dev/null 2>&1 || fail "java not found (set JAVA_HOME or put JDK 17+ on PATH)"
command -v "$mvn_bin" >/dev/null 2>&1 || fail "mvn not found (Maven 3.8+ is needed to build)"
java_major="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
[[ "${java_major:-0}" -ge 17 ]] || fail "JDK 17 or newer is needed (found ${java_major:-unknown} at $java_bin)"

build_log="$(mktemp "${TMPDIR:-/tmp}/blocked-time-demo-build.XXXXXX")"
trap 'rm -f "$build_log"' EXIT
run_quietly() {
  if ! "$@" >"$build_log" 2>&1; then
    cat "$build_log" >&2
    fail "build step failed: $*"
  fi
}

step "building the blocked-time extension (extension/bootstrap, extension/javaagent)"
run_quietly "$mvn_bin" -q -B -f "$root/pom.xml" -pl extension/bootstrap,extension/javaagent package -DskipTests
[[ -f "$extension_jar" ]] || fail "the build did not produce $extension_jar"

step "building the quickstart application and fetching opentelemetry-javaagent (demo-services/quickstart)"
run_quietly "$mvn_bin" -q -B -f "$quickstart/pom.xml" package -DskipTests
[[ -f "$agent_jar" ]] || fail "the build did not produce $agent_jar"

view=()
if [[ -t 1 ]]; then
  view=(--tty)
  COLUMNS="$(tput cols 2>/dev/null || echo "${COLUMNS:-120}")"
  LINES="$(tput lines 2>/dev/null || echo "${LINES:-50}")"
  export COLUMNS LINES
else
  view=(--plain)
fi

step "running QuickstartApp under the agent with the extension (Ctrl-C stops it early)"
trap - EXIT
rm -f "$build_log"
exec "$java_bin" -cp "$quickstart/target/classes:$quickstart/target/lib/*" dev.blockedtime.demo.quickstart.DemoRunner \
  --agent "$agent_jar" --extension "$extension_jar" --log "$quickstart/target/quickstart-app.log" "${view[@]}" "$@"
