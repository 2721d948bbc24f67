#!/usr/bin/env bash
# Sourced by churn-profile.sh and jmh-profile.sh: fetches async-profiler from Maven Central
# (tools.profiler:async-profiler) unless the local repository has it, unpacks its Linux x64
# library under $out/async-profiler and sets $profiler_lib to that library's path. Expects $out.
profiler_version=4.1
profiler_jar="$HOME/.m2/repository/tools/profiler/async-profiler/$profiler_version/async-profiler-$profiler_version.jar"
[[ -f "$profiler_jar" ]] || mvn -q dependency:get "-Dartifact=tools.profiler:async-profiler:$profiler_version"
mkdir -p "$out/async-profiler"
unzip -q -o "$profiler_jar" linux-x64/libasyncProfiler.so -d "$out/async-profiler"
profiler_lib="$out/async-profiler/linux-x64/libasyncProfiler.so"
