#!/usr/bin/env bash
# A/B of commit cae894d (a wait's stack walk asks the VM for the frames it will read in one batch)
# against 74b8fa3 (the JDK walker's batches of 6 or 8 frames, then twice as many), on
# LockBenchmarks.longWaitsOnAFairLock: 32 threads on one fair lock, every wait past the stack
# threshold and walked (benchmarks/jmh-ab.sh: one fork of each a round, the SDK recording).
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 SKIP_BUILD=1 OUT=... benchmarks/results/fair-lock-sized-walk/run.sh [ROUNDS]
#
# Default 6 rounds, about 7 minutes. Environment as jmh-ab.sh; OUT (default
# benchmarks/target/fair-lock-sized-walk). The benchmarks jar must have longWaitsOnAFairLock
# (commit 314329f or later).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-$here/target/fair-lock-sized-walk}" exec "$here/jmh-ab.sh" 74b8fa3 cae894d 'LockBenchmarks.longWaitsOnAFairLock' "${1:-6}"
