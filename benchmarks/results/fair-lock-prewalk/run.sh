#!/usr/bin/env bash
# A/B of commit 314329f (a long wait after a long one on the same resource walks its stack before
# it parks) against 1f197eb (every long wait walks when it ends, for a lock wait while it holds the
# lock), on LockBenchmarks.longWaitsOnAFairLock: 32 threads on one fair lock, every wait past the
# stack threshold (benchmarks/jmh-ab.sh: one fork of each a round, the SDK recording).
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 SKIP_BUILD=1 OUT=... benchmarks/results/fair-lock-prewalk/run.sh [ROUNDS]
#
# Default 6 rounds, about 7 minutes. Environment as jmh-ab.sh; OUT (default
# benchmarks/target/fair-lock-prewalk). The benchmarks jar must have longWaitsOnAFairLock (commit
# 314329f or later).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-$here/target/fair-lock-prewalk}" exec "$here/jmh-ab.sh" 1f197eb 314329f 'LockBenchmarks.longWaitsOnAFairLock' "${1:-6}"
