package dev.blockedtime.bootstrap;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JVM's live gRPC channels, for the gauges {@code grpc.client.channel.state} and {@code
 * grpc.client.channel.waiting.calls}.
 *
 * <p>Why on the bootstrap class path: gRPC lives in application class loaders, and the extension's
 * gRPC helpers are injected into every loader that has gRPC, each copy with statics of its own.
 * This table is the one they share, so one gauge callback per JVM ({@link #claimGauges}) reports
 * every channel exactly once, whichever loader built it. It knows nothing of gRPC: a channel is an
 * object, its target and its state name.
 *
 * <p>Design: a channel is in {@link #LIVE} from {@link #register} until it shuts down (and its
 * last waiting call ended) or is garbage-collected. Entries refer to their channel weakly, so the
 * table never keeps a channel alive; collected ones are removed through a reference queue on every
 * registration and every snapshot, so thousands of channels dropped without {@code shutdown()}
 * leave nothing behind. The state is written by the channel's state-change callback and read by
 * the collector (volatile); the waiting count is changed by the threads that begin and end waits
 * (atomic). A snapshot is weakly consistent, as any gauge reading is.
 */
public final class GrpcChannels {
  public static final String IDLE = "idle";
  public static final String CONNECTING = "connecting";
  public static final String READY = "ready";
  public static final String TRANSIENT_FAILURE = "transient_failure";
  public static final String SHUTDOWN = "shutdown";

  /** The states a live channel can be in, in the order of {@link Target#channels}. */
  public static final List<String> LIVE_STATES =
      Collections.unmodifiableList(Arrays.asList(IDLE, CONNECTING, READY, TRANSIENT_FAILURE));

  private static final Set<Channel> LIVE = ConcurrentHashMap.newKeySet();
  private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();
  private static final AtomicBoolean GAUGES_CLAIMED = new AtomicBoolean();

  private GrpcChannels() {}

  /** One channel; the handle its instrumentation keeps. */
  public static final class Channel extends WeakReference<Object> {
    public final String target;
    private volatile String state;
    private final AtomicInteger waiting = new AtomicInteger();

    Channel(Object channel, String target, String state) {
      super(channel, COLLECTED);
      this.target = target;
      this.state = state;
    }

    /** The state last reported by the channel (one of the constants above). */
    public String state() {
      return state;
    }

    /** Called by the channel's state callback; {@link #SHUTDOWN} takes the channel off the gauges. */
    public void state(String newState) {
      state = newState;
      if (SHUTDOWN.equals(newState) && waiting.get() == 0) {
        LIVE.remove(this);
      }
    }

    /** A call on this channel began to wait for a ready transport. */
    public void waitBegan() {
      waiting.incrementAndGet();
    }

    /** A wait that {@link #waitBegan} ended; exactly once per wait. */
    public void waitEnded() {
      if (waiting.decrementAndGet() <= 0 && SHUTDOWN.equals(state)) {
        LIVE.remove(this);
      }
    }

    public int waitingCalls() {
      return waiting.get();
    }
  }

  /** The channels of one target, as counted by {@link #snapshot}. */
  public static final class Target {
    public final String target;
    /** Live channels per state, indexed like {@link #LIVE_STATES}. */
    public final long[] channels = new long[LIVE_STATES.size()];
    public long waitingCalls;

    Target(String target) {
      this.target = target;
    }
  }

  /** Starts tracking {@code channel}, held weakly, in {@code state}. */
  public static Channel register(Object channel, String target, String state) {
    expunge();
    Channel c = new Channel(channel, target, state);
    if (!SHUTDOWN.equals(state)) {
      LIVE.add(c);
    }
    return c;
  }

  /** True for exactly one caller per JVM: the one that registers the gauge callback. */
  public static boolean claimGauges() {
    return GAUGES_CLAIMED.compareAndSet(false, true);
  }

  /** The live channels and waiting calls per target, in no particular order. */
  public static List<Target> snapshot() {
    expunge();
    Map<String, Target> byTarget = new LinkedHashMap<>();
    for (Channel c : LIVE) {
      if (c.refersTo(null)) {
        LIVE.remove(c);
        continue;
      }
      String state = c.state;
      int waiting = c.waiting.get();
      boolean shutdown = SHUTDOWN.equals(state);
      if (shutdown && waiting <= 0) {
        LIVE.remove(c);
        continue;
      }
      Target t = byTarget.computeIfAbsent(c.target, Target::new);
      t.waitingCalls += Math.max(0, waiting);
      int i = LIVE_STATES.indexOf(state);
      if (i >= 0) {
        t.channels[i]++;
      }
    }
    return new ArrayList<>(byTarget.values());
  }

  /** Channels tracked now (for tests). */
  static int size() {
    expunge();
    return LIVE.size();
  }

  private static void expunge() {
    for (Object c; (c = COLLECTED.poll()) != null; ) {
      LIVE.remove(c);
    }
  }
}
