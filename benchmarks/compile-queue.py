#!/usr/bin/env python3
"""How long C2's work waited, and what of the extension it compiled twice, in the runs that
benchmarks/churn-compilation.sh left in its OUT directories (compilation.log and classes.log).

    benchmarks/compile-queue.py DIR [DIR...]

For each run, after the moment ChurnProgram's class loaded (main):
- the C2 tasks queued in the first 3 s: how many, and how long they waited in the queue before
  C2 began them (median and the largest). Long waits mean a starved compiler thread: the methods
  run in C1's profiled code meanwhile;
- C2's busy time (wall time, as churn-compilation.sh counts it);
- C2's time after `main` by whose code it compiled: the extension's, the agent's machinery for
  transforming classes (ByteBuddy, ASM, the agent's tooling), java.util.concurrent, the program's,
  the rest (the wall time of each compilation that ended after `main`, as churn-compilation.sh
  lists them);
- the classes loaded after `main`, by package group;
- the extension's methods (dev.blockedtime.bootstrap, dev.blockedtime.javaagent) that C2 compiled
  and then threw away at an uncommon trap, and where each trap was: a branch or a type the
  profile had not seen. Each such method runs in the interpreter and C1 again until C2 compiles it
  a second time.
"""
import re
import statistics
import sys

OWN = ("dev.blockedtime.bootstrap.", "dev.blockedtime.javaagent.")


def attrs(text):
    return dict(re.findall(r"(\w+)='([^']*)'", text))


def group(method):
    if method.startswith(OWN):
        return "extension"
    if method.startswith(("org.objectweb.asm.", "net.bytebuddy.", "io.opentelemetry.javaagent.tooling.",
                          "io.opentelemetry.javaagent.extension.", "io.opentelemetry.javaagent.bootstrap.")):
        return "agent's class transforming"
    if method.startswith("java.util.concurrent."):
        return "java.util.concurrent"
    if method.startswith("dev.blockedtime.benchmarks."):
        return "program"
    return "other"


def class_group(name):
    for prefix in ("jdk.jfr.", "io.opentelemetry.sdk.", "dev.blockedtime.", "java.time.", "jdk.internal."):
        if name.startswith(prefix):
            return prefix + "*"
    return "other"


def c2(a):
    # C2's tasks carry no level, or level 4
    return a.get("level", "4") == "4"


def report(d):
    log = open(d + "/compilation.log", errors="replace").read()
    classes = open(d + "/classes.log").read()
    main = float(re.search(r"^\[([0-9.]+)s.*dev\.blockedtime\.benchmarks\.ChurnProgram ", classes, re.M).group(1))

    queued = {}
    for m in re.finditer(r"<task_queued ([^>]*)/>", log):
        a = attrs(m.group(1))
        queued[a["compile_id"]] = a
    waits = []
    busy = 0.0
    by_group = {}
    for m in re.finditer(r"<task ([^>]*)>.*?<task_done ([^>]*)/>", log, re.S):
        a, done = attrs(m.group(1)), attrs(m.group(2))
        q = queued.get(a.get("compile_id"))
        if q is None or not c2(a) or not c2(q):
            continue
        start, end = float(a["stamp"]), float(done["stamp"])
        if end > main:
            busy += end - max(start, main)
            g = group(a.get("method", ""))
            by_group[g] = by_group.get(g, 0.0) + end - start
        if main <= float(q["stamp"]) < main + 3:
            waits.append(start - float(q["stamp"]))

    methods = {}
    for m in re.finditer(r"<nmethod ([^>]*)>", log):
        a = attrs(m.group(1))
        if "compile_id" in a and "method" in a:
            methods[a["compile_id"]] = (a["method"].split(" (")[0], a.get("level"))
    thrown = []
    for m in re.finditer(r"<make_not_entrant ([^>]*)/>", log):
        a = attrs(m.group(1))
        name, level = methods.get(a["compile_id"], ("?", None))
        if level == "4" and float(a["stamp"]) > main and name.startswith(OWN):
            thrown.append(name)
    traps = {}
    for m in re.finditer(r"<uncommon_trap thread='\d+' ([^>]*)>\s*((?:<jvms [^>]*/>\s*)+)", log):
        a = attrs(m.group(1))
        name, _ = methods.get(a.get("compile_id"), ("?", None))
        if a.get("level") != "4" or float(a.get("stamp", 0)) < main or a.get("action") == "none":
            continue
        if not name.startswith(OWN):
            continue
        bci, where = re.search(r"<jvms bci='(\d+)' method='([^ ']+ [^ ']+)", m.group(2)).groups()
        key = "%s: %s at %s bci %s" % (name, a["reason"], where, bci)
        traps[key] = traps.get(key, 0) + 1

    print("== %s (main at %.3f s)" % (d, main))
    if waits:
        print("C2 tasks queued in the first 3 s after main: %d, waited median %.2f s, largest %.2f s"
              % (len(waits), statistics.median(waits), max(waits)))
    print("C2 busy after main: %.1f s" % busy)
    print("C2 seconds of the compilations that ended after main, by whose code: "
          + ", ".join("%s %.2f" % kv for kv in sorted(by_group.items(), key=lambda kv: -kv[1])))
    loaded = {}
    for m in re.finditer(r"^\[([0-9.]+)s\] (\S+)", classes, re.M):
        if float(m.group(1)) > main:
            g = class_group(m.group(2))
            loaded[g] = loaded.get(g, 0) + 1
    print("classes loaded after main: %d (%s)" % (sum(loaded.values()), ", ".join(
        "%s %d" % kv for kv in sorted(loaded.items(), key=lambda kv: -kv[1]))))
    print("extension methods C2 compiled and threw away after main: %d" % len(thrown))
    for key, n in sorted(traps.items(), key=lambda kv: -kv[1]):
        print("  %d x %s" % (n, key))


for directory in sys.argv[1:]:
    report(directory.rstrip("/"))
