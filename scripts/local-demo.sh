#!/usr/bin/env bash
# The demo stack without Docker: intake, worker and loadgen (demo-services/) under the OpenTelemetry
# Java agent with the blocked-time extension, exporting OTLP to a real Collector that sends traces
# to Jaeger v2 and metrics to a real Prometheus evaluating prometheus/rules (the production rules,
# unchanged); scenarios switched on over time (backlog, hot lock, worker stopped and restarted
# late, deadlock); and a live view of what Prometheus, Jaeger and the Collector got. The Collector
# and Jaeger are built from stack/ by scripts/build-stack.sh (once; the first build takes minutes)
# and run with collector-config/. Without Go (or with --no-pipeline), Prometheus scrapes each
# agent's own endpoint instead. Every process runs on 127.0.0.1 on free ports and is stopped on exit.
#
#   scripts/local-demo.sh                       build, then run until Ctrl-C (the story takes ~3 min)
#   scripts/local-demo.sh --duration 5m         stop by itself after 5 minutes
#   scripts/local-demo.sh --timeline fast       the same story in under a minute
#   scripts/local-demo.sh --quickstart          one small application instead of the three services
#   scripts/local-demo.sh --help                all options
#
# Needs JDK 17+, Maven 3.8+, Prometheus and, for the real pipeline, Go; installs Debian's
# `prometheus` package with apt-get when `prometheus` is not on PATH (as root, or through sudo).
#
# Environment: PROMETHEUS (the binary to run), MVN (the Maven command), JAVA_HOME; OTEL_* variables
# reach the services' agents (e.g. OTEL_TRACES_EXPORTER=logging-otlp to print spans into their logs,
# OTEL_INSTRUMENTATION_BLOCKED_TIME_DEADLOCK_DETECTION_INTERVAL=1s).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
local_jar="$root/demo-services/local/target/local-demo.jar"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn_bin="${MVN:-mvn}"

step() { printf '==> %s\n' "$*"; }
fail() { printf 'local-demo.sh: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'USAGE'

Options of this script:
  --no-build       use the jars already built (by `mvn package` or an earlier run)
  --no-pipeline    no Collector and Jaeger: Prometheus scrapes each agent's own endpoint
  --install-only   make sure Prometheus is installed, then exit
Options of the demo itself:
  --duration D     stop after D once the services are up (forms: 90s, 5m, 90); default: until Ctrl-C
  --quickstart     one small application (demo-services/quickstart) instead of the three services
  --timeline T     normal (default): scenarios over ~3 min; fast: the same in ~45 s; off: none
  --rate N         orders per second from loadgen (default 40)
  --out DIR        logs, the rendered Prometheus config, endpoints.properties (default demo-out/local)
  --interval D     how often to query Prometheus and redraw (default 2s)
  --window D       rate window of the view's queries (default 30s)
  --plain          print a snapshot every 10 s instead of redrawing (default when stdout is not a terminal)
USAGE
}

build=true
install_only=false
pipeline=true
args=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    --no-build) build=false ;;
    --install-only) install_only=true ;;
    --no-pipeline) pipeline=false ;;
    *) args+=("$arg") ;;
  esac
done

# Prometheus: the one from PATH (or $PROMETHEUS), else Debian's package.
ensure_prometheus() {
  if [[ -n "${PROMETHEUS:-}" ]]; then
    [[ -x "$PROMETHEUS" ]] || fail "PROMETHEUS=$PROMETHEUS is not an executable"
    return 0
  fi
  if command -v prometheus >/dev/null 2>&1; then
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || fail "prometheus is not on PATH and there is no apt-get to install it; install Prometheus 2.x (or set PROMETHEUS=/path/to/prometheus)"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fail "prometheus is missing; installing it needs root (or sudo)"
    sudo=(sudo)
  fi
  step "installing Prometheus (Debian package prometheus)"
  # apt-get update only when the package lists do not know the package yet.
  if ! apt-cache show prometheus >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -q >/dev/null || fail "apt-get update failed"
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends prometheus >/dev/null \
    || fail "apt-get install prometheus failed"
  command -v prometheus >/dev/null 2>&1 || fail "installed the prometheus package, but prometheus is still not on PATH"
}

ensure_prometheus
prometheus_bin="${PROMETHEUS:-$(command -v prometheus)}"
if $install_only; then
  printf 'prometheus: %s (%s)\n' "$prometheus_bin" "$("$prometheus_bin" --version 2>&1 | head -n 1)"
  exit 0
fi

command -v "$java_bin" >/dev/null 2>&1 || fail "java not found (set JAVA_HOME or put JDK 17+ on PATH)"
java_major="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
[[ "${java_major:-0}" -ge 17 ]] || fail "JDK 17 or newer is needed (found ${java_major:-unknown} at $java_bin)"

if $build; then
  command -v "$mvn_bin" >/dev/null 2>&1 || fail "mvn not found (Maven 3.8+ is needed to build)"
  step "building the extension, the three services and the local runner (mvn -q package)"
  build_log="$(mktemp "${TMPDIR:-/tmp}/blocked-time-local-demo-build.XXXXXX")"
  if ! "$mvn_bin" -q -B -f "$root/pom.xml" -pl demo-services/local -am package -DskipTests >"$build_log" 2>&1; then
    cat "$build_log" >&2
    rm -f "$build_log"
    fail "the build failed"
  fi
  rm -f "$build_log"
fi
[[ -f "$local_jar" ]] || fail "$local_jar is missing: run without --no-build (or mvn package) first"

# The real pipeline: the Collector and Jaeger, built once from stack/ (scripts/build-stack.sh).
# A part that cannot be had costs one line, and the demo runs what it can.
if ! docker info >/dev/null 2>&1; then
  echo "(no Docker engine: the stack runs as local processes; docker-compose up, with Grafana and Jaeger's UI, needs one)"
fi
stack_args=()
if $pipeline; then
  if ! command -v go >/dev/null 2>&1; then
    echo "(no Go: running without the Collector and Jaeger, Prometheus scrapes each agent; install Go $(sed -n 's/^go //p' "$root/stack/collector/go.mod") or newer for the real pipeline)"
  else
    step "building the Collector and Jaeger from stack/ (scripts/build-stack.sh; the first build takes minutes, later ones reuse it)"
    stack_log="$(mktemp "${TMPDIR:-/tmp}/blocked-time-build-stack.XXXXXX")"
    # pipefail: the pipeline fails when the build does.
    if "$root/scripts/build-stack.sh" 2>&1 | tee "$stack_log"; then
      otelcol_bin="$(sed -n 's/^otelcol //p' "$stack_log" | tail -n 1)"
      jaeger_bin="$(sed -n 's/^jaeger //p' "$stack_log" | tail -n 1)"
      stack_args=(--otelcol "$otelcol_bin" --jaeger "$jaeger_bin")
    else
      echo "(building the Collector and Jaeger failed, output above: running without them, Prometheus scrapes each agent)"
    fi
    rm -f "$stack_log"
  fi
fi

view=()
if [[ -t 1 ]]; then
  view=(--tty)
  COLUMNS="$(tput cols 2>/dev/null || echo "${COLUMNS:-160}")"
  LINES="$(tput lines 2>/dev/null || echo "${LINES:-50}")"
  export COLUMNS LINES
else
  view=(--plain)
fi

# The runner owns every process from here on: it stops them all on exit, Ctrl-C or SIGTERM.
exec "$java_bin" -jar "$local_jar" --repo "$root" --prometheus "$prometheus_bin" "${stack_args[@]+"${stack_args[@]}"}" "${view[@]}" "${args[@]+"${args[@]}"}"
