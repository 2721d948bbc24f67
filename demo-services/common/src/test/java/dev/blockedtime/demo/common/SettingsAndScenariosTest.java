package dev.blockedtime.demo.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsAndScenariosTest {
  @Test
  void durationsTakeTheDemoForms() {
    assertThat(Settings.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Settings.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Settings.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Settings.parseDuration("90")).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> Settings.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("250ms");
    assertThatThrownBy(() -> Settings.parseDuration("-1s")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysMapToDemoVariables() {
    assertThat(Settings.envName("http.port")).isEqualTo("DEMO_HTTP_PORT");
    assertThat(Settings.envName("grpc.start.delay")).isEqualTo("DEMO_GRPC_START_DELAY");
  }

  @Test
  void aSystemPropertyWinsAndAMalformedValueNamesItsKey() {
    System.setProperty("demo.test.port", "81x");
    try {
      assertThatThrownBy(() -> Settings.integer("test.port", 1)).hasMessageContaining("DEMO_TEST_PORT");
    } finally {
      System.clearProperty("demo.test.port");
    }
    assertThat(Settings.integer("test.port", 7)).isEqualTo(7);
  }

  @Test
  void switchesRunTheirActionOnChangeOnly() throws Exception {
    List<Boolean> seen = new ArrayList<>();
    Scenarios scenarios = new Scenarios("test");
    Scenarios.Scenario s = scenarios.add("down", "stop it", seen::add);
    assertThat(scenarios.set("down", true)).isTrue();
    assertThat(scenarios.set("down", true)).isFalse();
    assertThat(s.isOn()).isTrue();
    assertThat(scenarios.set("down", false)).isTrue();
    assertThat(seen).containsExactly(true, false);
    assertThatThrownBy(() -> scenarios.set("nope", true)).hasMessageContaining("known: down");
  }

  @Test
  void aFailingActionLeavesTheSwitchWhereItWas() {
    Scenarios scenarios = new Scenarios("test");
    Scenarios.Scenario s = scenarios.add("x", "fails", on -> {
      throw new IllegalStateException("no");
    });
    assertThatThrownBy(() -> scenarios.set("x", true)).hasMessage("no");
    assertThat(s.isOn()).isFalse();
  }

  @Test
  void workerMessagesRoundTripThroughTheMarshaller() throws Exception {
    WorkerRpc.ProcessOrder order = new WorkerRpc.ProcessOrder("o-1", "sku-7", 2);
    WorkerRpc.ProcessOrder back = WorkerRpc.PROCESS.parseRequest(WorkerRpc.PROCESS.streamRequest(order));
    assertThat(back).isEqualTo(order);
    assertThat(WorkerRpc.PROCESS.getFullMethodName()).isEqualTo("blockedtime.demo.Worker/Process");
    WorkerRpc.OrderProcessed reply = new WorkerRpc.OrderProcessed("o-1", true, 998);
    assertThat(WorkerRpc.PROCESS.parseResponse(WorkerRpc.PROCESS.streamResponse(reply))).isEqualTo(reply);
    assertThatThrownBy(() -> WorkerRpc.PROCESS.parseRequest(new java.io.ByteArrayInputStream("{}".getBytes())))
        .isInstanceOf(io.grpc.StatusRuntimeException.class)
        .hasMessageContaining("INTERNAL");
  }
}
