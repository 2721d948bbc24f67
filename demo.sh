#!/usr/bin/env bash
# Run the blocked-time demo, no Docker needed (JDK 17+ and Maven 3.8+; Go for the real pipeline).
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
# With --quickstart first: one small example application instead of the three services, with the
# same runner, pipeline and view:
#   ./demo.sh --quickstart [--duration 40s | --plain | --interval D]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

case "${1:-}" in
  --quickstart) shift; exec "$root/scripts/local-demo.sh" --quickstart "$@" ;;
  --stack) shift ;; # the default, kept as an explicit spelling
esac
exec "$root/scripts/local-demo.sh" "$@"
