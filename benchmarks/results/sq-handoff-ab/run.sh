#!/usr/bin/env bash
# A/B of commit 637c87f (JDK 25's rendezvous queues marked at DualNode.await's setCurrentBlocker,
# where a thread is about to park) against be90c88 (marked at await's entry, which every handoff
# that finds its partner while spinning passes), on QueueBenchmarks.sqHandoff (benchmarks/jmh-ab.sh:
# one fork of each a round, the SDK recording).
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 SKIP_BUILD=1 benchmarks/results/sq-handoff-ab/run.sh [ROUNDS]
#
# Default 6 rounds, about 5 minutes. Environment as jmh-ab.sh; OUT (default
# benchmarks/target/sq-handoff-ab).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${OUT:-$here/target/sq-handoff-ab}" exec "$here/jmh-ab.sh" be90c88 637c87f 'QueueBenchmarks.sqHandoff' "${1:-6}"
