package io.opentelemetry.javaagent.blockedtimetest;

import dev.blockedtime.bootstrap.BlockedTime;
import dev.blockedtime.bootstrap.Frames;

/** Stands in for a class of the OpenTelemetry agent that constructs a resource. */
public final class AgentProbe {
  private AgentProbe() {}

  public static String allocationSite() {
    return Frames.allocationSite();
  }

  /** The constructor advice firing for a queue the agent builds for itself. */
  public static void registerAgentQueue(Object queue, String type) {
    BlockedTime.queueCreated(queue, type);
  }
}
