package dev.blockedtime.bootstrap;

/**
 * What the registry knows about an object a thread can wait on: the resource it belongs to and
 * the role it plays there. Built at each lookup (the registry holds numbers, see {@link
 * Registry}); {@link #token} identifies the resource: equal tokens, same resource.
 */
final class Registration {
  /** The resource object itself (a queue); waits never name it as their blocker, except LTQ. */
  static final byte OWNER = 0;
  /** The resource's internal lock: a wait here is contention. */
  static final byte LOCK = 1;
  /** A producer waits here for space. */
  static final byte NOT_FULL = 2;
  /** A consumer waits here for an element. */
  static final byte NOT_EMPTY = 3;
  /** A rendezvous: producers and consumers park here for a partner. */
  static final byte TRANSFER = 4;

  /** A lock's, semaphore's or latch's synchronizer, a stamped lock, or a condition: waited on directly. */
  static final byte SYNC = 5;
  /** Where a barrier's or phaser's parties wait for each other. */
  static final byte PARTIES = 6;
  /** A thread pool (never waited on): its site, until its first task (see {@link ExecutorTasks}). */
  static final byte POOL = 7;

  final ResourceName name;
  final int token;
  final byte role;
  /** For lock resources, the mode of waits that do not name one ({@code shared} for barriers). */
  final String defaultMode;

  Registration(ResourceName name, int token, byte role, String defaultMode) {
    this.name = name;
    this.token = token;
    this.role = role;
    this.defaultMode = defaultMode;
  }
}
