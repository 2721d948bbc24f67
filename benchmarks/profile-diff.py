#!/usr/bin/env python3
"""Where two async-profiler CPU profiles (collapsed stacks, one sample a millisecond) differ.

  benchmarks/profile-diff.py AGENT.collapsed EXT.collapsed [N [FRAME...]]

Prints the two totals split into kernel frames (async-profiler marks them _[k]) and the rest,
the samples of a few groups (the JIT's compiler threads, the agent's start before main, the
agent's class transformer, the extension's own code), then the N (default 25) leaf frames, the method or kernel function a sample was taken in, whose
sample counts differ most (B - A), and the same for every frame inclusive (a sample counts once
for each distinct frame on its stack). A sample is a millisecond of CPU, so the differences are
milliseconds of CPU, as far as the two runs did the same work. Each FRAME (a method, as
`dev/blockedtime/bootstrap/BlockedTime.opReturned`) adds a row with its samples, inclusive. Lambda and other hidden classes
are named without their run-specific suffix.
"""
import collections
import re
import sys

HIDDEN = re.compile(r"\$\$Lambda\$\d+\.0x[0-9a-f]+|\.0x[0-9a-f]{8,}")
GROUPS = [
    ("the JIT's compiler threads", "CompileBroker::compiler_thread_loop"),
    ("  of which C2", "C2Compiler::compile_method"),
    ("the agent's start, before main", "sun/instrument/InstrumentationImpl.loadClassAndCallPremain"),
    ("the agent's class transformer", "AgentBuilder$Default$ExecutingTransformer.doTransform"),
]
# The extension's own code: samples whose innermost Java frame is one of its methods (with what
# the JVM does for it beneath, a stack walk's native part say). Not "any frame": the calls the
# extension substitutes in the JDK's queues (WaitCalls.await) hold whole parks beneath them.
OWN = ("dev/blockedtime/bootstrap/", "dev/blockedtime/javaagent/")


def load(path):
    leaf = collections.Counter()
    inclusive = collections.Counter()
    kernel = user = 0
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            n = int(n)
            frames = HIDDEN.sub("", stack).split(";")
            top = frames[-1]
            leaf[top] += n
            for g in set(frames):
                inclusive[g] += n
            if top.endswith("_[k]"):
                kernel += n
            else:
                user += n
    return leaf, inclusive, kernel, user


def group(path, pattern):
    """The samples with at least one frame that contains one of the |-separated pattern's parts."""
    parts = pattern.split("|")
    with open(path) as f:
        return sum(
            int(line.rpartition(" ")[2]) for line in f if any(p in line.rpartition(" ")[0] for p in parts)
        )


def own(path):
    """The samples whose innermost Java frame is the extension's."""
    n = 0
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            java = [g for g in stack.split(";") if "/" in g and not g.endswith("_[k]")]
            if java and java[-1].startswith(OWN):
                n += int(count)
    return n


def table(title, a, b, n):
    print(f"\n{title}\n")
    print("| B - A (ms) | A (ms) | B (ms) | frame |")
    print("|---:|---:|---:|---|")
    diff = sorted(set(a) | set(b), key=lambda g: -abs(b[g] - a[g]))
    for g in diff[:n]:
        print(f"| {b[g] - a[g]:+d} | {a[g]} | {b[g]} | `{g[:150]}` |")


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    a_leaf, a_inc, a_k, a_u = load(a_path)
    b_leaf, b_inc, b_k, b_u = load(b_path)
    print(f"A: {a_path}\nB: {b_path}\n")
    print("| | A (ms) | B (ms) | B - A |")
    print("|---|---:|---:|---:|")
    print(f"| all samples | {a_k + a_u} | {b_k + b_u} | {b_k + b_u - a_k - a_u:+d} |")
    print(f"| in kernel frames | {a_k} | {b_k} | {b_k - a_k:+d} |")
    print(f"| elsewhere | {a_u} | {b_u} | {b_u - a_u:+d} |")
    for title, pattern in GROUPS:
        a, b = group(a_path, pattern), group(b_path, pattern)
        print(f"| {title} | {a} | {b} | {b - a:+d} |")
    a, b = own(a_path), own(b_path)
    print(f"| the extension's own code (innermost Java frame) | {a} | {b} | {b - a:+d} |")
    for frame in sys.argv[4:]:
        print(f"| `{frame}`, inclusive | {a_inc[frame]} | {b_inc[frame]} | {b_inc[frame] - a_inc[frame]:+d} |")
    table("Leaf frames (self time)", a_leaf, b_leaf, n)
    table("Every frame, inclusive", a_inc, b_inc, n)


if __name__ == "__main__":
    main()
