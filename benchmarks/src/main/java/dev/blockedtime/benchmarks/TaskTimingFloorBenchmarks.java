package dev.blockedtime.benchmarks;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The least that timing one executor task costs, whatever carries its submit time: the two clock
 * reads (one when submitted, one when started) and one point of an explicit-bucket histogram of
 * the OpenTelemetry SDK that the agent bundles (same version, the extension's bucket boundaries,
 * cached attributes, the root context). Run without an agent ({@code --configs none}): this is the
 * SDK and the clock alone, not the extension. Average time per operation, in nanoseconds.
 *
 * <p>The {@code coarse*} and {@code own*} benchmarks price what a design that meets issue #12's
 * 50 ns per task would have to give up, for the team to decide: a clock that a background thread
 * advances every millisecond (a volatile read instead of {@code System.nanoTime()}; queued times
 * to the millisecond, and a thread that wakes a thousand times a second), and the extension's own
 * bucket counts in place of the SDK's histogram (a bucket search and two atomic adds; the SDK's
 * views, exemplars and min/max would not apply to it).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TaskTimingFloorBenchmarks {

  @State(Scope.Benchmark)
  public static class Sdk {
    SdkMeterProvider provider;
    DoubleHistogram histogram;
    Attributes attributes;

    @Setup(Level.Trial)
    public void setup() {
      provider = newProvider();
      histogram = executorHistogram(provider);
      attributes = executorAttributes();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      provider.close();
    }
  }

  /** A meter provider whose reader is registered (so the SDK aggregates) and never collects. */
  static SdkMeterProvider newProvider() {
    return SdkMeterProvider.builder().registerMetricReader(new IdleReader()).build();
  }

  /**
   * The same, with no exemplars: the SDK does not look at the context passed to a point. Under
   * the agent an application's own OpenTelemetry API is bridged to the agent's, which makes
   * looking at a context dearer than for the extension (which uses the agent's SDK directly).
   */
  static SdkMeterProvider newProviderWithoutExemplars() {
    return SdkMeterProvider.builder()
        .registerMetricReader(new IdleReader())
        .setExemplarFilter(ExemplarFilter.alwaysOff())
        .build();
  }

  /** The executor histogram as the extension builds it: its name, unit and bucket boundaries. */
  static DoubleHistogram executorHistogram(SdkMeterProvider provider) {
    return provider
        .get("floor")
        .histogramBuilder("jvm.executor.queued.duration")
        .setUnit("s")
        .setExplicitBucketBoundariesAdvice(BOUNDARIES)
        .build();
  }

  /** One executor's attributes, built once (the extension caches them per executor). */
  static Attributes executorAttributes() {
    return Attributes.of(
        AttributeKey.stringKey("jvm.executor.name"), "Floor.setup:1",
        AttributeKey.stringKey("jvm.executor.type"), "ThreadPoolExecutor");
  }

  /** The extension's bucket boundaries, in seconds (as the contract's histograms advise them). */
  static final List<Double> BOUNDARIES =
      Arrays.asList(
          0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0);

  /** The same, in nanoseconds, for the own bucket counts. */
  static final long[] BOUNDARIES_NANOS =
      BOUNDARIES.stream().mapToLong(b -> Math.round(b * 1e9)).toArray();

  /** A clock that a background thread advances every millisecond. */
  @State(Scope.Benchmark)
  public static class CoarseClock {
    volatile long nanos = System.nanoTime();
    volatile boolean running = true;
    Thread ticker;

    @Setup(Level.Trial)
    public void start() {
      ticker =
          new Thread(
              () -> {
                while (running) {
                  nanos = System.nanoTime();
                  LockSupport.parkNanos(1_000_000L);
                }
              },
              "coarse-clock");
      ticker.setDaemon(true);
      ticker.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      running = false;
      ticker.join();
    }
  }

  /** One series' own histogram: a count per bucket and the sum, each an atomic add. */
  @State(Scope.Benchmark)
  public static class OwnHistogram {
    final AtomicLongArray counts = new AtomicLongArray(BOUNDARIES_NANOS.length + 1);
    final AtomicLong sumNanos = new AtomicLong();

    void record(long nanos) {
      int lo = 0;
      int hi = BOUNDARIES_NANOS.length;
      while (lo < hi) { // the first boundary at or above the value: explicit buckets' upper bounds
        int mid = (lo + hi) >>> 1;
        if (BOUNDARIES_NANOS[mid] < nanos) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      counts.incrementAndGet(lo);
      sumNanos.addAndGet(nanos);
    }
  }

  /** A reader that is registered (so the SDK aggregates) and never collects. */
  static final class IdleReader implements MetricReader {
    @Override
    public void register(CollectionRegistration registration) {}

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** The submitter's clock read and the worker's. */
  @Benchmark
  public long twoClockReads() {
    long submitted = System.nanoTime();
    return System.nanoTime() - submitted;
  }

  /** One point of the histogram, as a task's start records it. */
  @Benchmark
  public void histogramPoint(Sdk sdk) {
    sdk.histogram.record(0.00002, sdk.attributes, Context.root());
  }

  /** Both: the floor of one timed task, on one thread, with nothing else in the way. */
  @Benchmark
  public void timedTaskFloor(Sdk sdk) {
    long submitted = System.nanoTime();
    long started = System.nanoTime();
    sdk.histogram.record((started - submitted) / 1e9, sdk.attributes, Context.root());
  }

  /** The submitter's and the worker's reads of the coarse clock. */
  @Benchmark
  public long twoCoarseClockReads(CoarseClock clock) {
    long submitted = clock.nanos;
    return clock.nanos - submitted;
  }

  /** One point of the extension's own bucket counts. */
  @Benchmark
  public void ownHistogramPoint(OwnHistogram histogram) {
    histogram.record(20_000L);
  }

  /** Both: the floor of one timed task with the coarse clock and the own counts. */
  @Benchmark
  public void coarseOwnTaskFloor(CoarseClock clock, OwnHistogram histogram) {
    long submitted = clock.nanos;
    long started = clock.nanos;
    histogram.record(started - submitted);
  }
}
