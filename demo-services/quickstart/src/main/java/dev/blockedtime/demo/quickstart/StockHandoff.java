package dev.blockedtime.demo.quickstart;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stock reservations handed directly from a reserver to a warehouse picker through a {@code
 * SynchronousQueue}: no buffer, so whichever side arrives first waits for the other. The picker is
 * sometimes slower (the reserver waits, state {@code full}), sometimes faster (the picker waits,
 * state {@code empty}).
 */
final class StockHandoff {
  record Reservation(String sku, int quantity) {}

  private static final String[] SKUS = {"SKU-1001", "SKU-2040", "SKU-3300", "SKU-4712"};

  private final Tracer tracer;
  private final SynchronousQueue<Reservation> handoff = new SynchronousQueue<>();

  StockHandoff(Tracer tracer) {
    this.tracer = tracer;
  }

  void start() {
    QuickstartApp.daemon("stock-reserver", this::reserverLoop).start();
    QuickstartApp.daemon("warehouse-picker", this::pickerLoop).start();
  }

  private void reserverLoop() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (!Thread.currentThread().isInterrupted()) {
      Reservation r = new Reservation(SKUS[random.nextInt(SKUS.length)], 1 + random.nextInt(3));
      Span span = tracer.spanBuilder("reserve stock").setAttribute("sku", r.sku()).startSpan();
      try (Scope ignored = span.makeCurrent()) {
        reserve(r);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        span.end();
      }
      QuickstartApp.pause(20 + random.nextInt(60));
    }
  }

  private void reserve(Reservation r) throws InterruptedException {
    handoff.put(r); // waits until the picker takes it
  }

  private void pickerLoop() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    try {
      while (true) {
        handoff.take(); // waits until a reservation arrives
        QuickstartApp.pause(10 + random.nextInt(90));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
