package dev.blockedtime.demo.quickstart;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Sends shipping notifications in small batches. The sender polls its outbox with a 50 ms timeout
 * so that it can flush a partial batch on time; whenever no order finished lately the poll gives
 * up (outcome {@code timeout}).
 */
final class Notifier {
  private final LinkedBlockingQueue<String> outbox = new LinkedBlockingQueue<>();

  void enqueue(String message) {
    outbox.offer(message);
  }

  void start() {
    QuickstartApp.daemon("notifier", this::senderLoop).start();
  }

  private void senderLoop() {
    List<String> batch = new ArrayList<>();
    try {
      while (true) {
        String next = outbox.poll(50, TimeUnit.MILLISECONDS);
        if (next != null) {
          batch.add(next);
        }
        if (batch.size() >= 10 || (next == null && !batch.isEmpty())) {
          send(batch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(List<String> batch) {
    QuickstartApp.pause(3); // the mail gateway
    batch.clear();
  }
}
