package com.bundledlib;

import dev.blockedtime.bootstrap.Frames;

/**
 * Stands in for a library the agent bundles under its own package name (okhttp3.*, for one): the
 * name says nothing, only the defining class loader tells it is the agent's.
 */
public final class BundledLib {
  private BundledLib() {}

  /** [site, expected "class.method:line"]. */
  public static String[] site() {
    StackTraceElement at = new Throwable().getStackTrace()[0]; String site = Frames.allocationSite();
    return new String[] {site, at.getClassName() + "." + at.getMethodName() + ":" + at.getLineNumber()};
  }
}
