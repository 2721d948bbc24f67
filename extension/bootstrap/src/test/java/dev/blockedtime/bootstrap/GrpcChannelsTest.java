package dev.blockedtime.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GrpcChannelsTest {
  private static Optional<GrpcChannels.Target> target(String name) {
    return GrpcChannels.snapshot().stream().filter(t -> t.target.equals(name)).findFirst();
  }

  private static long channels(String name, String state) {
    return target(name).map(t -> t.channels[GrpcChannels.LIVE_STATES.indexOf(state)]).orElse(0L);
  }

  @Test
  void countsLiveChannelsPerTargetAndState() {
    Object a = new Object();
    Object b = new Object();
    GrpcChannels.Channel ca = GrpcChannels.register(a, "count:1", GrpcChannels.IDLE);
    GrpcChannels.Channel cb = GrpcChannels.register(b, "count:1", GrpcChannels.IDLE);
    assertThat(channels("count:1", GrpcChannels.IDLE)).isEqualTo(2);
    ca.state(GrpcChannels.READY);
    cb.state(GrpcChannels.TRANSIENT_FAILURE);
    assertThat(channels("count:1", GrpcChannels.IDLE)).isZero();
    assertThat(channels("count:1", GrpcChannels.READY)).isEqualTo(1);
    assertThat(channels("count:1", GrpcChannels.TRANSIENT_FAILURE)).isEqualTo(1);
    ca.state(GrpcChannels.SHUTDOWN);
    cb.state(GrpcChannels.SHUTDOWN);
    assertThat(target("count:1")).isEmpty();
    assertThat(List.of(a, b)).hasSize(2); // kept alive until here
  }

  @Test
  void waitingCallsOutliveTheirChannelsShutdownUntilTheyEnd() {
    Object channel = new Object();
    GrpcChannels.Channel c = GrpcChannels.register(channel, "wait:1", GrpcChannels.CONNECTING);
    c.waitBegan();
    c.waitBegan();
    assertThat(target("wait:1").orElseThrow().waitingCalls).isEqualTo(2);
    c.state(GrpcChannels.SHUTDOWN);
    GrpcChannels.Target t = target("wait:1").orElseThrow();
    assertThat(t.waitingCalls).isEqualTo(2);
    assertThat(t.channels).containsOnly(0L); // a shut-down channel is in no state
    c.waitEnded();
    c.waitEnded();
    assertThat(target("wait:1")).isEmpty();
    assertThat(channel).isNotNull();
  }

  @Test
  void channelsDroppedWithoutShutdownLeaveNothingBehind() throws InterruptedException {
    int before = GrpcChannels.size();
    List<Object> channels = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      Object ch = new Object();
      channels.add(ch);
      GrpcChannels.register(ch, "dropped:1", GrpcChannels.IDLE);
    }
    assertThat(channels("dropped:1", GrpcChannels.IDLE)).isEqualTo(5000);
    channels = null;
    for (int i = 0; i < 50 && GrpcChannels.size() > before; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(GrpcChannels.size()).isEqualTo(before);
    assertThat(target("dropped:1")).isEmpty();
  }

  @Test
  void gaugesAreClaimedOncePerJvm() {
    boolean first = GrpcChannels.claimGauges();
    assertThat(GrpcChannels.claimGauges()).isFalse();
    assertThat(first).isTrue();
  }
}
