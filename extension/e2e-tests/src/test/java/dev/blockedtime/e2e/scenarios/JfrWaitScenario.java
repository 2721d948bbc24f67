package dev.blockedtime.e2e.scenarios;

import static dev.blockedtime.e2e.harness.ScenarioSupport.awaitSignal;
import static dev.blockedtime.e2e.harness.ScenarioSupport.mark;
import static dev.blockedtime.e2e.scenarios.QueueScenarios.later;

/**
 * The waits the JFR stream reports: {@code Object.wait} that is notified, one that times out, a
 * platform thread's {@code Thread.join}, and on JDK 21+ a virtual thread that sleeps inside a
 * class initializer (which pins it to its carrier). Waits for blocked-time's JFR stream first,
 * then for the test's {@code EXIT}, so the test can wait for the events (they arrive about a
 * second late) while the JVM lives.
 */
public final class JfrWaitScenario {
  static final long WORK_MS = 200;

  /** The monitor waited on: its class is the wait's {@code jvm.lock.name}. */
  static final class Mailbox {
    boolean full;
  }

  /** Initialized on a virtual thread; sleeping here pins it. */
  static final class SlowConfig {
    static final String VALUE;

    static {
      try {
        Thread.sleep(WORK_MS); // the wait: this line is the top frame of its stack
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      VALUE = "x";
    }
  }

  public static void main(String[] args) throws Exception {
    MonitorScenario.awaitMonitorStream();
    notifiedWait();
    timedWaitRunsOut();
    platformJoin();
    if (Runtime.version().feature() >= 21) {
      pinnedVirtualThread();
    }
    mark("WAITED");
    awaitSignal("EXIT");
    mark("DONE");
  }

  static void notifiedWait() throws InterruptedException {
    Mailbox box = new Mailbox();
    later(WORK_MS, () -> {
      synchronized (box) {
        box.full = true;
        box.notifyAll();
      }
    });
    synchronized (box) {
      while (!box.full) {
        box.wait();
      }
    }
  }

  static void timedWaitRunsOut() throws InterruptedException {
    Mailbox box = new Mailbox();
    synchronized (box) {
      box.wait(WORK_MS);
    }
  }

  static void platformJoin() throws InterruptedException {
    Thread worker = new Thread(() -> FutureScenarios.sleep(WORK_MS), "join-worker");
    worker.start();
    worker.join();
  }

  static void pinnedVirtualThread() throws Exception {
    Thread t = VirtualThreadScenario.startVirtual(() -> mark("CONFIG " + SlowConfig.VALUE));
    t.join();
  }
}
