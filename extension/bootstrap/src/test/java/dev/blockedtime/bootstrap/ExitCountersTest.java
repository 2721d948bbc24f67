package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExitCountersTest {
  @Test
  void aThreadReadsOnlyItsOwnStripe() throws Exception {
    ExitCounters counters = new ExitCounters();
    int mine = ExitCounters.stripeOf(Thread.currentThread());
    counters.add(mine, 1);
    assertThat(counters.current()).isEqualTo(1);

    FutureTask<Long> read;
    Thread other;
    do { // thread ids are consecutive: the next one or two fall in another stripe
      read = new FutureTask<>(counters::current);
      other = new Thread(read);
    } while (ExitCounters.stripeOf(other) == mine);
    other.start();
    assertThat(read.get(10, TimeUnit.SECONDS)).as("another stripe's thread").isZero();

    counters.add(ExitCounters.stripeOf(other), 2);
    assertThat(counters.current()).isEqualTo(1);
    assertThat(counters.sum()).isEqualTo(3);
    counters.add(mine, -1);
    assertThat(counters.current()).isZero();
  }
}
