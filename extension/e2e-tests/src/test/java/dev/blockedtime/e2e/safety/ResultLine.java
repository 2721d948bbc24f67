package dev.blockedtime.e2e.safety;

import dev.blockedtime.e2e.harness.ScenarioJvm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One {@code RESULT <name> key=value ...} line printed by a safety scenario: what the scenario
 * measured or checked inside its own JVM.
 */
record ResultLine(String name, Map<String, String> values) {
  static final String PREFIX = "RESULT ";

  static List<ResultLine> all(ScenarioJvm jvm) {
    List<ResultLine> results = new ArrayList<>();
    for (String line : jvm.lines()) {
      if (line.startsWith(PREFIX)) {
        results.add(parse(line));
      }
    }
    return results;
  }

  static List<ResultLine> named(ScenarioJvm jvm, String name) {
    return all(jvm).stream().filter(r -> r.name.equals(name)).collect(Collectors.toList());
  }

  /** The only result line of that name; fails with the scenario's output otherwise. */
  static ResultLine only(ScenarioJvm jvm, String name) {
    List<ResultLine> matching = named(jvm, name);
    if (matching.size() != 1) {
      throw new AssertionError(
          "expected one RESULT " + name + " line, got " + matching.size() + "; log: " + jvm.logFile());
    }
    return matching.get(0);
  }

  static ResultLine parse(String line) {
    String[] words = line.substring(PREFIX.length()).trim().split(" +");
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("not key=value: " + words[i] + " in " + line);
      }
      values.put(words[i].substring(0, eq), words[i].substring(eq + 1));
    }
    return new ResultLine(words[0], Collections.unmodifiableMap(values));
  }

  String get(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new AssertionError("no " + key + " in " + this);
    }
    return value;
  }

  long longValue(String key) {
    return Long.parseLong(get(key));
  }

  double doubleValue(String key) {
    return Double.parseDouble(get(key));
  }

  /** The same line with only these keys, e.g. to compare the deterministic part of two runs. */
  ResultLine keeping(List<String> keys) {
    Map<String, String> kept = new LinkedHashMap<>();
    for (String k : keys) {
      kept.put(k, get(k));
    }
    return new ResultLine(name, Collections.unmodifiableMap(kept));
  }

  @Override
  public String toString() {
    return PREFIX + name + " " + values;
  }
}
