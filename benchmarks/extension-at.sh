#!/usr/bin/env bash
# Builds the extension as it is at COMMIT (with PATCH applied, if given) in a temporary git
# worktree, and copies its jar to OUT_JAR: the A/B scripts compare such builds. COMMIT may be
# REV:PATCH, the same as REV with PATCH (how churn-ab.sh and jmh-ab.sh take a variant that never
# goes on main).
#
#   benchmarks/extension-at.sh COMMIT OUT_JAR [PATCH]
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 COMMIT OUT_JAR [PATCH]" >&2; exit 2; }
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
commit="$1"
jar="$(realpath -m "$2")"
patch="${3:-}"
if [[ $commit == *:* ]]; then
  patch="${commit#*:}"
  commit="${commit%%:*}"
fi
patch="${patch:+$(realpath "$patch")}"

wt="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$wt"' EXIT # a failed build too
git -C "$root" worktree add -q --detach "$wt" "$commit"
[[ -z "$patch" ]] || git -C "$wt" apply "$patch"
mvn -B -ntp -q -f "$wt/pom.xml" package -pl extension/bootstrap,extension/javaagent -am -DskipTests
cp "$wt/extension/javaagent/target/blocked-time-extension-0.1.0-SNAPSHOT.jar" "$jar"
