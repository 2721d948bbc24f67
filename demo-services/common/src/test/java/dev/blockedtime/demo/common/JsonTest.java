package dev.blockedtime.demo.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesAndReadsBackEscapesNumbersAndNesting() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", "quote \" backslash \\ newline \n tab \t é");
    m.put("count", 3L);
    m.put("ratio", 0.25);
    m.put("flag", true);
    m.put("none", null);
    m.put("list", List.of(1, "two"));
    Map<String, Object> back = Json.parseObject(Json.write(m));
    assertThat(back).containsOnlyKeys(m.keySet());
    assertThat(back.get("text")).isEqualTo(m.get("text"));
    assertThat(((Number) back.get("count")).longValue()).isEqualTo(3L);
    assertThat(back.get("ratio")).isEqualTo(0.25);
    assertThat(back.get("none")).isNull();
    assertThat(back.get("list")).isEqualTo(List.of(1, "two"));
  }

  @Test
  void rejectsMalformedInputWithAnIllegalArgumentException() {
    assertThatThrownBy(() -> Json.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("[nul]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parseObject("[1]")).isInstanceOf(IllegalArgumentException.class);
  }
}
