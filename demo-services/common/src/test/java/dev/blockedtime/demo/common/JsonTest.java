package dev.blockedtime.demo.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void readsWhatPrometheusAnswers() {
    Map<String, Object> body =
        Json.parseObject(
            "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"job\":\"intake\",\"le\":\"+Inf\"},"
                + "\"value\":[1.7e9,\"12\"]}]}}");
    assertThat(body.get("status")).isEqualTo("success");
    @SuppressWarnings("unchecked")
    List<Object> result = (List<Object>) ((Map<String, Object>) body.get("data")).get("result");
    assertThat(result).hasSize(1);
  }

  @Test
  void writesAndReadsBackEscapesNumbersAndNesting() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", "quote \" backslash \\ newline \n tab \t é");
    m.put("count", 3L);
    m.put("ratio", 0.25);
    m.put("whole", 2.0);
    m.put("flag", true);
    m.put("none", null);
    m.put("list", List.of(1, "two"));
    String json = Json.write(m);
    assertThat(json).contains("\"whole\":2,").contains("\"ratio\":0.25");
    Map<String, Object> back = Json.parseObject(json);
    assertThat(back.get("text")).isEqualTo(m.get("text"));
    assertThat(back.get("count")).isEqualTo(3.0);
    assertThat(back.get("none")).isNull();
    assertThat(back.get("list")).isEqualTo(List.of(1.0, "two"));
  }

  @Test
  void rejectsMalformedInputWithAnIllegalArgumentException() {
    assertThatThrownBy(() -> Json.parse("{\"a\":")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    assertThatThrownBy(() -> Json.parse("[nul]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.parseObject("[1]")).isInstanceOf(IllegalArgumentException.class);
  }
}
