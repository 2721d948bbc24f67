#!/usr/bin/env python3
"""Where two async-profiler CPU profiles (collapsed stacks, one sample a millisecond) differ.

  benchmarks/profile-diff.py AGENT.collapsed EXT.collapsed [N [FRAME...]]

Prints the two totals split into kernel frames (async-profiler marks them _[k]) and the rest;
the samples of a few groups (the JIT's compiler threads, the agent's start before main, the
agent's class transformer, the extension's own code); for each FRAME (a method, as
`dev/blockedtime/bootstrap/BlockedTime.opReturned`), its samples, inclusive; then the N
(default 25) leaf frames, the method or kernel function a sample was taken in, whose sample
counts differ most (B - A), and the same for every frame inclusive (a sample counts once for
each distinct frame on its stack). A sample is a millisecond of CPU, so the differences are
milliseconds of CPU, as far as the two runs did the same work. Lambda and other hidden classes
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
OWN_TITLE = "the extension's own code (innermost Java frame)"


def load(path):
    """One profile: leaf and inclusive counts, kernel and other samples, and each group's."""
    leaf = collections.Counter()
    inclusive = collections.Counter()
    groups = collections.Counter()
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
            for title, pattern in GROUPS:
                if pattern in stack:
                    groups[title] += n
            java = [g for g in frames if "/" in g and not g.endswith("_[k]")]
            if java and java[-1].startswith(OWN):
                groups[OWN_TITLE] += n
    return leaf, inclusive, kernel, user, groups


def table(title, a, b, n):
    print(f"\n{title}\n")
    print("| B - A (ms) | A (ms) | B (ms) | frame |")
    print("|---:|---:|---:|---|")
    diff = sorted(set(a) | set(b), key=lambda g: (-abs(b[g] - a[g]), g))  # ties by name: stable
    for g in diff[:n]:
        print(f"| {b[g] - a[g]:+d} | {a[g]} | {b[g]} | `{g[:150]}` |")


def main():
    a_path, b_path = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 25
    a_leaf, a_inc, a_k, a_u, a_groups = load(a_path)
    b_leaf, b_inc, b_k, b_u, b_groups = load(b_path)
    print(f"A: {a_path}\nB: {b_path}\n")
    print("| | A (ms) | B (ms) | B - A |")
    print("|---|---:|---:|---:|")
    print(f"| all samples | {a_k + a_u} | {b_k + b_u} | {b_k + b_u - a_k - a_u:+d} |")
    print(f"| in kernel frames | {a_k} | {b_k} | {b_k - a_k:+d} |")
    print(f"| elsewhere | {a_u} | {b_u} | {b_u - a_u:+d} |")
    for title in [t for t, _ in GROUPS] + [OWN_TITLE]:
        a, b = a_groups[title], b_groups[title]
        print(f"| {title} | {a} | {b} | {b - a:+d} |")
    for frame in sys.argv[4:]:
        print(f"| `{frame}`, inclusive | {a_inc[frame]} | {b_inc[frame]} | {b_inc[frame] - a_inc[frame]:+d} |")
    table("Leaf frames (self time)", a_leaf, b_leaf, n)
    table("Every frame, inclusive", a_inc, b_inc, n)


if __name__ == "__main__":
    main()
