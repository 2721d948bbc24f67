#!/usr/bin/env bash
# Builds the two Go programs of the real pipeline, once, from the pinned modules in stack/:
#   otelcol  the Collector with exactly the components collector-config/otel-collector.yaml uses
#            (stack/collector: OTLP receiver, memory_limiter, batch, OTLP, Prometheus and debug exporters)
#   jaeger   Jaeger v2 all-in-one (stack/jaeger), run with collector-config/jaeger.yaml
#
#   scripts/build-stack.sh            build what is missing, print where the binaries are
#   scripts/build-stack.sh --check    print the paths only if both are built already (exit 1 if not)
#
# Each binary is cached under ${BLOCKED_TIME_CACHE:-~/.cache/blocked-time}/stack/, in a folder named
# after a hash of its module (go.mod, go.sum, sources) and of `go version`: a change of a pinned
# version builds anew, anything else reuses the binary. The first build downloads a few hundred
# modules from the Go module proxy and compiles them: minutes. Needs Go (the version in go.mod or
# newer) and the Go module proxy; nothing else.
#
# The last two lines of output are always
#   otelcol <path>
#   jaeger <path>
# Exit status: 0 built or reused; 3 Go is not installed; 1 a build failed (its output is shown).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${BLOCKED_TIME_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/blocked-time}/stack"
check_only=false
case "${1:-}" in
  --check) check_only=true ;;
  -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "build-stack.sh: unknown argument: $1" >&2; exit 2 ;;
esac

step() { printf '==> %s\n' "$*"; }

if ! command -v go >/dev/null 2>&1; then
  echo "build-stack.sh: go is not installed (needed to build the Collector and Jaeger; see README, 'The real pipeline')" >&2
  exit 3
fi
go_version="$(go env GOVERSION)"

# A hash of everything that decides the binary: the module's files and the Go release.
module_hash() {
  local dir="$1"
  {
    printf '%s\n' "$go_version"
    (cd "$dir" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) | LC_ALL=C sort | xargs sha256sum)
  } | sha256sum | cut -c1-16
}

# build NAME MODULE_DIR PACKAGE: prints the binary's path as the last line.
build() {
  local name="$1" dir="$root/stack/$2" pkg="$3"
  local out="$cache/$name-$(module_hash "$dir")"
  local bin="$out/$name"
  if [[ -x "$bin" ]]; then
    step "$name: reusing $bin" >&2
    printf '%s\n' "$bin"
    return 0
  fi
  if $check_only; then
    echo "build-stack.sh: $name is not built yet ($bin)" >&2
    return 1
  fi
  mkdir -p "$out"
  local log="$out/build.log" start=$SECONDS
  step "$name: building from stack/$2 with $go_version (the first build downloads and compiles a few hundred modules: minutes)" >&2
  # -trimpath: the same binary whatever the checkout's path. go.sum pins every module and
  # -mod=readonly (over any GOFLAGS) refuses to change it.
  if ! (cd "$dir" && nice -n "${BUILD_STACK_NICE:-10}" go build -mod=readonly -trimpath -o "$bin.tmp" "$pkg") >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$bin.tmp"
    echo "build-stack.sh: building $name failed (log: $log)" >&2
    return 1
  fi
  mv -f "$bin.tmp" "$bin"
  step "$name: built in $((SECONDS - start)) s: $bin" >&2
  printf '%s\n' "$bin"
}

mkdir -p "$cache"
# One build at a time per cache (the demo and the tests may ask together).
exec 9>"$cache/.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

otelcol="$(build otelcol collector .)"
jaeger="$(build jaeger jaeger github.com/jaegertracing/jaeger/cmd/jaeger)"
printf 'otelcol %s\n' "$otelcol"
printf 'jaeger %s\n' "$jaeger"
