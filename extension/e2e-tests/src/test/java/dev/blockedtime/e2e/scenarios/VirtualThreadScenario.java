package dev.blockedtime.e2e.scenarios;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;

/** Consumers on virtual threads (JDK 21+; started reflectively so this compiles for 17). */
public final class VirtualThreadScenario {
  public static void main(String[] args) throws Exception {
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
    SynchronousQueue<String> handoff = new SynchronousQueue<>();
    Thread consumer = startVirtual(() -> {
      try {
        queue.take();
        handoff.take();
      } catch (InterruptedException e) {
        throw new RuntimeException(e);
      }
    });
    Thread.sleep(200);
    queue.put("x");
    Thread.sleep(200);
    handoff.put("y");
    consumer.join();
    System.out.println("DONE");
  }

  static Thread startVirtual(Runnable task) throws Exception {
    Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
    return (Thread)
        Class.forName("java.lang.Thread$Builder")
            .getMethod("start", Runnable.class)
            .invoke(builder, task);
  }
}
