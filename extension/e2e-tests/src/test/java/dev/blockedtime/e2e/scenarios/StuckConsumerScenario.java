package dev.blockedtime.e2e.scenarios;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** A consumer stuck on an empty queue for seconds, and a producer stuck on a full one. */
public final class StuckConsumerScenario {
  public static void main(String[] args) throws Exception {
    BlockingQueue<String> empty = new ArrayBlockingQueue<>(1);
    BlockingQueue<String> full = new ArrayBlockingQueue<>(1);
    full.put("occupied");
    Thread producer =
        new Thread(
            () -> {
              try {
                full.offer("more", 30, TimeUnit.SECONDS);
              } catch (InterruptedException ignored) {
                // released below
              }
            },
            "stuck-producer");
    producer.start();
    System.out.println("WAITING");
    String got = empty.poll(Long.parseLong(args[0]), TimeUnit.MILLISECONDS);
    System.out.println("RELEASED " + got);
    producer.interrupt();
    producer.join();
    Thread.sleep(1000); // a few more exports after the waits ended
    System.out.println("DONE");
  }
}
