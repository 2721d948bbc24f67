package dev.blockedtime.demo.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A service's scenario switches: named behaviours (a slow step, a hot lock, a stopped server, a
 * deadlock) that an operator turns on and off while the service runs, through {@link
 * AdminEndpoints}. The request path reads a switch with {@link Scenario#isOn()} (a volatile read);
 * changes are serialized here and may run an action (stop or start a server, start threads).
 */
public final class Scenarios {
  /** Runs when a switch changes, on the admin thread that changed it, before it reports success. */
  @FunctionalInterface
  public interface Action {
    void apply(boolean on) throws Exception;
  }

  /** One switch. */
  public static final class Scenario {
    private final String name;
    private final String description;
    private final Action action;
    private volatile boolean on;

    private Scenario(String name, String description, Action action) {
      this.name = name;
      this.description = description;
      this.action = action;
    }

    public String name() {
      return name;
    }

    public boolean isOn() {
      return on;
    }
  }

  private final String service;
  private final Map<String, Scenario> byName = new LinkedHashMap<>();

  public Scenarios(String service) {
    this.service = service;
  }

  public Scenario add(String name, String description) {
    return add(name, description, on -> {});
  }

  public synchronized Scenario add(String name, String description, Action action) {
    Scenario s = new Scenario(name, description, action);
    if (byName.putIfAbsent(name, s) != null) {
      throw new IllegalArgumentException("scenario " + name + " exists");
    }
    return s;
  }

  public synchronized Optional<Scenario> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * Turns a switch on or off and runs its action; returns whether it changed. If the action fails
   * the switch keeps its old position and the exception propagates.
   */
  public synchronized boolean set(String name, boolean on) throws Exception {
    Scenario s = byName.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no scenario " + name + " in " + service + "; known: " + String.join(", ", byName.keySet()));
    }
    if (s.on == on) {
      return false;
    }
    s.action.apply(on);
    s.on = on;
    System.out.printf("[%s] scenario %s %s%n", service, name, on ? "on" : "off");
    return true;
  }

  /** The switches as JSON-ready maps: name, on, description. */
  public synchronized List<Map<String, Object>> describe() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Scenario s : byName.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name);
      m.put("on", s.on);
      m.put("description", s.description);
      out.add(m);
    }
    return out;
  }

  public String service() {
    return service;
  }
}
