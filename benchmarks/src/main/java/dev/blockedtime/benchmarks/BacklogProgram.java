package dev.blockedtime.benchmarks;

import java.util.concurrent.PriorityBlockingQueue;

/**
 * {@link ChurnProgram}'s {@code PriorityBlockingQueue} part alone: 8 producers and 8 consumers,
 * {@code items} elements each (default 1,000,000). The queue is unbounded, so the producers run
 * ahead of the consumers, whose every {@code take} sifts a heap as large as the backlog. Prints
 * the wall time and the backlog's largest and mean size, sampled every 50 ms: whether the
 * extension changes how far the producers run ahead when nothing else competes for the CPUs
 * ({@code benchmarks/backlog.sh} runs it under the agent alone and with the extension).
 */
public final class BacklogProgram {
  private BacklogProgram() {}

  public static void main(String[] args) throws Exception {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    PriorityBlockingQueue<ChurnProgram.Item> q = new PriorityBlockingQueue<>(64);
    Thread[] threads = new Thread[2 * ChurnProgram.THREADS];
    long start = System.nanoTime();
    for (int p = 0; p < ChurnProgram.THREADS; p++) {
      threads[p] =
          new Thread(
              () -> {
                for (int i = 1; i <= items; i++) {
                  q.put(new ChurnProgram.Item(i));
                }
              });
      threads[ChurnProgram.THREADS + p] =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < items; i++) {
                    q.take();
                  }
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
    }
    for (Thread t : threads) {
      t.start();
    }
    long max = 0;
    long sum = 0;
    long samples = 0;
    while (anyAlive(threads)) {
      int size = q.size();
      max = Math.max(max, size);
      sum += size;
      samples++;
      Thread.sleep(50);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!q.isEmpty()) {
      throw new AssertionError("left " + q.size());
    }
    System.out.printf(
        java.util.Locale.ROOT,
        "RESULT backlog-program seconds=%.3f maxBacklog=%d meanBacklog=%d%n",
        (System.nanoTime() - start) / 1e9,
        max,
        sum / Math.max(1, samples));
  }

  private static boolean anyAlive(Thread[] threads) {
    for (Thread t : threads) {
      if (t.isAlive()) {
        return true;
      }
    }
    return false;
  }
}
