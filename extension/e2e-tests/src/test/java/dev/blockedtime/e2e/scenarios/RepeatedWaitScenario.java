package dev.blockedtime.e2e.scenarios;

import static dev.blockedtime.e2e.scenarios.QueueScenarios.later;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One thread waits long on the same resource, from the same line, {@link #TIMES} times in a row,
 * for each kind of wait, inside one span: the second and later waits walk their stack before they
 * park (the thread's last wait on the resource was long), the first when it ends. Each resource is
 * built in its own method, so the test tells them apart by name.
 */
public final class RepeatedWaitScenario {
  public static final int TIMES = 3;
  static final long DELAY_MS = 30;

  public static void main(String[] args) throws Exception {
    Span span = GlobalOpenTelemetry.getTracer("scenario").spanBuilder("repeated").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      fairLock();
      condition();
      semaphore();
      fullPut();
      synchronousTake();
      transferTake();
    } finally {
      span.end();
    }
    System.out.println("DONE");
  }

  static void fairLock() throws Exception {
    ReentrantLock lock = new ReentrantLock(true);
    for (int i = 0; i < TIMES; i++) {
      Thread holder = LockScenarios.holdFor(lock, DELAY_MS);
      lock.lock();
      lock.unlock();
      holder.join();
    }
  }

  static void condition() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Condition ready = lock.newCondition();
    for (int i = 0; i < TIMES; i++) {
      lock.lock();
      try {
        Thread signaller = LockScenarios.signalLater(lock, ready, DELAY_MS);
        ready.await();
        signaller.join();
      } finally {
        lock.unlock();
      }
    }
  }

  static void semaphore() throws Exception {
    Semaphore permits = new Semaphore(0);
    for (int i = 0; i < TIMES; i++) {
      Thread releaser = later(DELAY_MS, permits::release);
      permits.acquire();
      releaser.join();
    }
  }

  static void fullPut() throws Exception {
    ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
    queue.put("first");
    for (int i = 0; i < TIMES; i++) {
      Thread consumer = later(DELAY_MS, queue::take);
      queue.put("next");
      consumer.join();
    }
  }

  static void synchronousTake() throws Exception {
    SynchronousQueue<String> queue = new SynchronousQueue<>();
    for (int i = 0; i < TIMES; i++) {
      Thread producer = later(DELAY_MS, () -> queue.put("x"));
      queue.take();
      producer.join();
    }
  }

  static void transferTake() throws Exception {
    LinkedTransferQueue<String> queue = new LinkedTransferQueue<>();
    for (int i = 0; i < TIMES; i++) {
      Thread producer = later(DELAY_MS, () -> queue.transfer("x"));
      queue.take();
      producer.join();
    }
  }
}
