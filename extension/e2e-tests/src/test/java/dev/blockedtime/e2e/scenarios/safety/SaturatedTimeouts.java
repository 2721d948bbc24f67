package dev.blockedtime.e2e.scenarios.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Timed polls that time out while every core is busy: twice as many spinning threads as
 * processors, then, per queue type, {@code polls} calls of {@code poll(1 ms)} on fresh empty
 * queues, each of which returns null after (at least) its millisecond. Every one of them is a
 * wait that gave up, and must be recorded as one. {@code ArrayBlockingQueue} is the control;
 * the rendezvous queues first spin and yield before they park, and on a saturated machine a
 * single {@code Thread.yield()} can outlast the whole timeout, so that they time out without
 * ever parking.
 *
 * <p>Prints {@code RESULT saturated queue=<factory> polls=N timedOut=N}.
 */
public final class SaturatedTimeouts {
  public static final String[] FACTORIES = {
    "arrayBlockingQueue", "synchronousQueue", "synchronousQueueFair", "linkedTransferQueue"
  };

  private static volatile boolean stop;

  private SaturatedTimeouts() {}

  static BlockingQueue<Object> arrayBlockingQueue() {
    return new ArrayBlockingQueue<>(1);
  }

  static BlockingQueue<Object> synchronousQueue() {
    return new SynchronousQueue<>();
  }

  static BlockingQueue<Object> synchronousQueueFair() {
    return new SynchronousQueue<>(true);
  }

  static BlockingQueue<Object> linkedTransferQueue() {
    return new LinkedTransferQueue<>();
  }

  static BlockingQueue<Object> build(String factory) {
    switch (factory) {
      case "arrayBlockingQueue":
        return arrayBlockingQueue();
      case "synchronousQueue":
        return synchronousQueue();
      case "synchronousQueueFair":
        return synchronousQueueFair();
      default:
        return linkedTransferQueue();
    }
  }

  static void run(int polls) throws InterruptedException {
    List<Thread> spinners = new ArrayList<>();
    stop = false;
    for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
      Thread t = new Thread(() -> {
        long x = 0;
        while (!stop) {
          x += System.nanoTime() & 1;
        }
        if (x == 42) {
          System.out.print("");
        }
      }, "spinner-" + i);
      t.setDaemon(true);
      t.start();
      spinners.add(t);
    }
    try {
      for (String factory : FACTORIES) {
        int timedOut = 0;
        for (int i = 0; i < polls; i++) {
          if (build(factory).poll(1, TimeUnit.MILLISECONDS) == null) {
            timedOut++;
          }
        }
        Safety.result("saturated", "queue", factory, "polls", polls, "timedOut", timedOut);
      }
    } finally {
      stop = true;
      for (Thread t : spinners) {
        t.join();
      }
    }
  }
}
