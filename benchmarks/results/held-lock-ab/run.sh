#!/usr/bin/env bash
# A/B of commit 6cf4b2e (lock waits walk their stack at the park and are recorded on the recorder
# thread) against 58efd0e (both on the waiting thread, holding the lock), on
# LockBenchmarks.heldFairLock (benchmarks/jmh-ab.sh: one fork of each a round, the SDK recording).
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 SKIP_BUILD=1 benchmarks/results/held-lock-ab/run.sh [ROUNDS]
#
# Default 6 rounds, about 5 minutes. Environment as jmh-ab.sh; OUT (default
# benchmarks/target/held-lock-ab).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-$here/target/held-lock-ab}" exec "$here/jmh-ab.sh" 58efd0e 6cf4b2e 'LockBenchmarks.heldFairLock' "${1:-6}"
