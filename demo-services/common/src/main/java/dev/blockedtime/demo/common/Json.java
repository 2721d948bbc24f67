package dev.blockedtime.demo.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * JSON for the demo services (the worker's gRPC messages, the admin endpoints), with Jackson:
 * objects read as insertion-ordered maps, arrays as lists, numbers as {@link Number}s.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** Parses one JSON value; throws {@link IllegalArgumentException} on malformed input. */
  public static Object parse(String text) {
    try {
      return MAPPER.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  /** Parses a JSON object; anything else is an {@link IllegalArgumentException}. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(String text) {
    if (!(parse(text) instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    return (Map<String, Object>) map;
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + value, e);
    }
  }
}
