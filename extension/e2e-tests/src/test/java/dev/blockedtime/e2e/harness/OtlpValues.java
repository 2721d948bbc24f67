package dev.blockedtime.e2e.harness;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns OTLP protobuf values into plain Java values that tests can compare with. */
final class OtlpValues {

  private static final HexFormat HEX = HexFormat.of();

  private OtlpValues() {}

  /** Keeps the exported order (readable in failure messages); unmodifiable. */
  static Map<String, Object> attributes(List<KeyValue> keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (KeyValue kv : keyValues) {
      map.put(kv.getKey(), value(kv.getValue()));
    }
    return Collections.unmodifiableMap(map);
  }

  /** String, Long, Double, Boolean, List, Map or byte[]; null for an unset value. */
  static Object value(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return v.getStringValue();
      case BOOL_VALUE:
        return v.getBoolValue();
      case INT_VALUE:
        return v.getIntValue();
      case DOUBLE_VALUE:
        return v.getDoubleValue();
      case ARRAY_VALUE:
        List<Object> list = new ArrayList<>();
        for (AnyValue item : v.getArrayValue().getValuesList()) {
          list.add(value(item));
        }
        return Collections.unmodifiableList(list);
      case KVLIST_VALUE:
        return attributes(v.getKvlistValue().getValuesList());
      case BYTES_VALUE:
        return v.getBytesValue().toByteArray();
      default:
        return null;
    }
  }

  static String text(AnyValue v) {
    Object value = value(v);
    return value == null ? "" : value.toString();
  }

  static String hex(com.google.protobuf.ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }
}
