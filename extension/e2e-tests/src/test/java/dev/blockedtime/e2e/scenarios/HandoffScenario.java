package dev.blockedtime.e2e.scenarios;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Two threads hand elements through an {@code ArrayBlockingQueue} of one, so that nearly every
 * {@code put} and {@code take} waits, often enough for C2 to compile both with the extension's
 * advice in them. Prints {@code DONE}.
 */
public final class HandoffScenario {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    ArrayBlockingQueue<Integer> queue = new ArrayBlockingQueue<>(1);
    Thread consumer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < rounds; i++) {
                  queue.take();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    consumer.start();
    for (int i = 0; i < rounds; i++) {
      queue.put(i);
    }
    consumer.join();
    System.out.println("DONE");
  }
}
