package dev.blockedtime.demo.common;

import java.util.Optional;

/**
 * With {@code -Ddemo.parent.pid=<pid>} (set by the local demo), the service exits when that process
 * is gone: a runner killed without a chance to clean up never leaves services behind.
 */
public final class ParentWatch {
  private ParentWatch() {}

  public static void start() {
    String pid = System.getProperty("demo.parent.pid");
    if (pid == null || pid.isBlank()) {
      return;
    }
    Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(pid.trim()));
    Thread t =
        new Thread(
            () -> {
              while (parent.map(ProcessHandle::isAlive).orElse(false)) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
              }
              System.out.println("[parent-watch] process " + pid + " is gone; exiting");
              System.exit(0);
            },
            "parent-watch");
    t.setDaemon(true);
    t.start();
  }
}
