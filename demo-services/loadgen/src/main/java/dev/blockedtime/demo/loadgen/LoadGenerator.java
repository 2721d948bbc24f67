package dev.blockedtime.demo.loadgen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@code POST /orders} to intake at a steady rate, asynchronously (an open-loop generator: a
 * slow intake does not slow the arrivals, as with real users). At most {@code maxInFlight}
 * requests are outstanding; beyond that a request is not sent and counts as shed, so a stuck
 * intake cannot make the generator pile up memory.
 */
final class LoadGenerator {
  private final HttpClient client;
  private final URI ordersUri;
  private final Duration requestTimeout;
  private final int maxInFlight;
  private volatile double ratePerSecond;
  private volatile double multiplier = 1;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong shed = new AtomicLong();
  private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

  LoadGenerator(URI intake, double ratePerSecond, int maxInFlight, Duration requestTimeout) {
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.ordersUri = intake.resolve("/orders");
    this.ratePerSecond = ratePerSecond;
    this.maxInFlight = maxInFlight;
    this.requestTimeout = requestTimeout;
  }

  void setRate(double perSecond) {
    ratePerSecond = perSecond;
  }

  void setMultiplier(double m) {
    multiplier = m;
  }

  double effectiveRate() {
    return ratePerSecond * multiplier;
  }

  /** Runs the pacing loop on a daemon thread. */
  void start() {
    Thread pacer = new Thread(this::pace, "loadgen-pacer");
    pacer.setDaemon(true);
    pacer.start();
  }

  private void pace() {
    long next = System.nanoTime();
    while (true) {
      double rate = effectiveRate();
      if (rate <= 0) {
        sleepNanos(200_000_000L);
        next = System.nanoTime();
        continue;
      }
      next += (long) (1e9 / rate);
      long now = System.nanoTime();
      if (next - now > 0) {
        sleepNanos(next - now);
      } else if (now - next > 1_000_000_000L) {
        next = now; // far behind (a pause): do not send a burst to catch up
      }
      send();
    }
  }

  private void send() {
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      shed.incrementAndGet();
      return;
    }
    sent.incrementAndGet();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String body = "{\"sku\":\"sku-" + (1 + r.nextInt(20)) + "\",\"quantity\":" + (1 + r.nextInt(3)) + "}";
    HttpRequest request =
        HttpRequest.newBuilder(ordersUri)
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              inFlight.decrementAndGet();
              String outcome = error != null ? error.getClass().getSimpleName() : String.valueOf(response.statusCode());
              outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
            });
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  long sent() {
    return sent.get();
  }

  long shed() {
    return shed.get();
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Responses by status code, or by exception class for requests that got none. */
  Map<String, Long> outcomes() {
    Map<String, Long> out = new TreeMap<>();
    outcomes.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
