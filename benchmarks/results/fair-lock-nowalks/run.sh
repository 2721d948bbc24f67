#!/usr/bin/env bash
# A/B of no stack walks at all (change: commit 314329f with the no-walks patch of
# results/churn-ab-jdk25-nowalks, the stack threshold's default raised to an hour; a variant for
# measuring, never on main) against commit 314329f as shipped (base: a long wait after a long one
# walks before it parks), on LockBenchmarks.longWaitsOnAFairLock (benchmarks/jmh-ab.sh: one fork
# of each a round, the SDK recording). What is left of the walks' cost once they run before the
# park: their CPU.
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 SKIP_BUILD=1 OUT=... benchmarks/results/fair-lock-nowalks/run.sh [ROUNDS]
#
# Default 6 rounds, about 7 minutes. Environment as jmh-ab.sh; OUT (default
# benchmarks/target/fair-lock-nowalks).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-$here/target/fair-lock-nowalks}" exec "$here/jmh-ab.sh" 314329f \
  314329f:benchmarks/results/churn-ab-jdk25-nowalks/no-walks.patch \
  'LockBenchmarks.longWaitsOnAFairLock' "${1:-6}"
