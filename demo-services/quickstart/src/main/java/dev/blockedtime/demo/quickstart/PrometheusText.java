package dev.blockedtime.demo.quickstart;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough of the Prometheus text exposition format (version 0.0.4) for the demo: sample lines
 * {@code name{label="value",...} value [timestamp]}; comments and blank lines are skipped, label
 * values are unescaped ({@code \\}, {@code \"}, {@code \n}).
 */
final class PrometheusText {
  record Sample(String name, Map<String, String> labels, double value) {
    String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  private PrometheusText() {}

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      Sample s = parseLine(l);
      if (s != null) {
        samples.add(s);
      }
    }
    return samples;
  }

  /** One sample line, or null if it is not one this parser understands. */
  static Sample parseLine(String l) {
    int i = 0;
    int n = l.length();
    while (i < n && l.charAt(i) != '{' && !Character.isWhitespace(l.charAt(i))) {
      i++;
    }
    String name = l.substring(0, i);
    Map<String, String> labels = Collections.emptyMap();
    if (i < n && l.charAt(i) == '{') {
      labels = new LinkedHashMap<>();
      i++;
      while (i < n && l.charAt(i) != '}') {
        int eq = l.indexOf('=', i);
        if (eq < 0 || eq + 1 >= n || l.charAt(eq + 1) != '"') {
          return null;
        }
        String key = l.substring(i, eq).strip();
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; j < n && l.charAt(j) != '"'; j++) {
          char c = l.charAt(j);
          if (c == '\\' && j + 1 < n) {
            char e = l.charAt(++j);
            value.append(e == 'n' ? '\n' : e);
          } else {
            value.append(c);
          }
        }
        if (j >= n) {
          return null;
        }
        labels.put(key, value.toString());
        i = j + 1;
        while (i < n && (l.charAt(i) == ',' || l.charAt(i) == ' ')) {
          i++;
        }
      }
      i++; // past '}'
    }
    String[] rest = l.substring(Math.min(i, n)).strip().split("\\s+");
    if (rest.length == 0 || rest[0].isEmpty()) {
      return null;
    }
    try {
      return new Sample(name, labels, number(rest[0]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static double number(String s) {
    switch (s) {
      case "+Inf":
      case "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        return Double.parseDouble(s);
    }
  }
}
