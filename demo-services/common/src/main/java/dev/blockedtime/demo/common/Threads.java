package dev.blockedtime.demo.common;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread factories for the services' pools, so a thread dump (and a stack record) says whose thread waits. */
public final class Threads {
  private Threads() {}

  /** Threads called {@code prefix-1}, {@code prefix-2}, ...; non-daemon, as request threads are. */
  public static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> new Thread(r, prefix + "-" + n.incrementAndGet());
  }
}
