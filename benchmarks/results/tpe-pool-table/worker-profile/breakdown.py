#!/usr/bin/env python3
"""Where the worker's start hook (ExecutorTasks.poolTaskStarting) spent its samples, in the profile
of the code before commit 577e9a1. The input holds the stacks of one fork's collapsed profile that
pass through the hook (grep 'ExecutorTasks.poolTaskStarting' ext.collapsed; the whole file, 55 MB,
is not kept). Each sample goes to the first category whose frame lies below the hook:

    python3 benchmarks/results/tpe-pool-table/worker-profile/breakdown.py \
        benchmarks/results/tpe-pool-table/worker-profile/ext-poolTaskStarting.collapsed
"""
import sys
from collections import Counter

CATEGORIES = [  # (name, a frame below the hook that marks it), first match wins
    ("the SDK's histogram point", "SdkDoubleHistogram.record"),
    ("the clock read", "clock_gettime"),
    ("the clock read", "javaTimeNanos"),
    ("the clock read", "[vdso]"),
    ("the record lookup (thread-local cache)", "ExecutorTasks.cachedRecordOf"),
    ("ExecutorTelemetry.queued itself", "ExecutorTelemetry.queued"),
    ("the ring's claim", "TaskRing.claimNear"),
]
counts, total = Counter(), 0
for line in open(sys.argv[1]):
    stack, n = line.rstrip().rsplit(" ", 1)
    frames = stack.split(";")
    below = frames[[i for i, f in enumerate(frames) if "ExecutorTasks.poolTaskStarting" in f][0] + 1:]
    n = int(n)
    total += n
    name = next((c for c, key in CATEGORIES if any(key in f for f in below)), "the rest")
    counts[name] += n
print(f"{total} samples in the hook")
for name, n in counts.most_common():
    print(f"{100 * n / total:5.1f}%  {name}")
