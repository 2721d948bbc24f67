package dev.blockedtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * The whole JVM's CPU time per operation, every thread included (the benchmark's, the agent's,
 * Flight Recorder's, the collector's): what an operation really costs the machine. Throughput
 * alone cannot say that for benchmarks that wait: extra work before a park changes who gets a
 * contended lock next, and a busier CPU wakes a parked thread sooner, so a costlier configuration
 * can post a higher score. Reported as the secondary result {@value #NAME}, in ns/op.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  static final String NAME = "cpu";

  private long cpuBefore;

  @Override
  public String getDescription() {
    return "process CPU time per operation (all threads)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpuBefore = processCpuNanos();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpu = processCpuNanos() - cpuBefore;
    long ops = result.getMetadata() == null ? 0 : result.getMetadata().getMeasuredOps();
    if (cpu <= 0 || ops <= 0) {
      return List.of();
    }
    return List.of(new ScalarResult(NAME, (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime()
        : -1;
  }
}
