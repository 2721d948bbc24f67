package dev.blockedtime.e2e.scenarios;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/** A queue named by the {@code names} setting, and one it does not match. */
public final class AliasScenario {
  public static void main(String[] args) throws Exception {
    BlockingQueue<String> orders = newOrdersQueue();
    QueueScenarios.later(100, () -> orders.put("x"));
    orders.take();
    BlockingQueue<String> other = new ArrayBlockingQueue<>(1);
    QueueScenarios.later(100, () -> other.put("y"));
    other.take();
    System.out.println("DONE");
  }

  static BlockingQueue<String> newOrdersQueue() {
    return new ArrayBlockingQueue<>(8);
  }
}
