package dev.blockedtime.e2e.scenarios;

import java.lang.reflect.Method;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

/**
 * LinkedBlockingDeque's delegating methods run copies of their delegates (the extension's
 * DequeDelegates): one wait of each of put, take, timed offer and poll, putLast and takeFirst on
 * the deque's own class, and put and take on a subclass that overrides the delegates. Prints which
 * delegates the core was told were copied, and how often the subclass's overrides ran.
 */
public final class DequeDelegatesScenario {
  /** Overrides the delegates: put and take must still call them. */
  static final class CountingDeque extends LinkedBlockingDeque<String> {
    int putLasts;
    int takeFirsts;

    CountingDeque() {
      super(1);
    }

    @Override
    public void putLast(String e) throws InterruptedException {
      putLasts++;
      super.putLast(e);
    }

    @Override
    public String takeFirst() throws InterruptedException {
      takeFirsts++;
      return super.takeFirst();
    }
  }

  public static void main(String[] args) throws Exception {
    Method m = Class.forName("dev.blockedtime.bootstrap.Ops", true, null).getDeclaredMethod("copiedDelegates");
    m.setAccessible(true);
    System.out.println("COPIED " + m.invoke(null));
    own();
    subclass();
    System.out.println("DONE");
  }

  static void own() throws Exception {
    LinkedBlockingDeque<String> deque = new LinkedBlockingDeque<>(1);
    deque.put("a");
    Thread t = QueueScenarios.later(100, deque::take);
    deque.put("b"); // full: waits in put's copy of putLast
    t.join();
    if (deque.offer("c", 50, TimeUnit.MILLISECONDS)) {
      throw new AssertionError("deque should be full");
    }
    t = QueueScenarios.later(100, deque::take);
    deque.putLast("d"); // full: putLast's own wait
    t.join();
    deque.clear();
    if (deque.poll(50, TimeUnit.MILLISECONDS) != null) {
      throw new AssertionError("deque should be empty");
    }
    QueueScenarios.later(100, () -> deque.put("e"));
    deque.take(); // empty: waits in take's copy of takeFirst
    QueueScenarios.later(100, () -> deque.put("f"));
    deque.takeFirst();
  }

  static void subclass() throws Exception {
    CountingDeque deque = new CountingDeque();
    deque.put("a");
    Thread t = QueueScenarios.later(100, deque::poll);
    deque.put("b"); // full: put calls the override, which waits in the deque's putLast
    t.join();
    deque.clear();
    QueueScenarios.later(100, () -> deque.offer("c"));
    deque.take();
    System.out.println("OVERRIDES putLast " + deque.putLasts + " takeFirst " + deque.takeFirsts);
  }
}
