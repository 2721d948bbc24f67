#!/usr/bin/env bash
# Runs a command beside N busy loops, a host with less CPU than the command's threads want, and
# exits with the command's status. The loops stop when the command ends.
#
#   scripts/with-busy-loops.sh 2 mvn -o -pl extension/javaagent test -Dtest=JfrStreamRenewalTest
set -euo pipefail

n="$1"
shift
busy=()
trap 'kill "${busy[@]}" 2>/dev/null || true' EXIT
for ((i = 0; i < n; i++)); do
  (while :; do :; done) &
  busy+=($!)
done
"$@"
