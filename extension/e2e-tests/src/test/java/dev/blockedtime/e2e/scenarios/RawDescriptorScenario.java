package dev.blockedtime.e2e.scenarios;

import java.lang.reflect.Method;

/**
 * Prints whether the core reads a stack frame's descriptor as the text the VM wrote into it
 * ({@code Frames.readsRawDescriptors}), and this JVM's feature version.
 */
public final class RawDescriptorScenario {
  public static void main(String[] args) throws Exception {
    Method m = Class.forName("dev.blockedtime.bootstrap.Frames", true, null).getDeclaredMethod("readsRawDescriptors");
    m.setAccessible(true);
    System.out.println("RAW " + m.invoke(null) + " FEATURE " + Runtime.version().feature());
    System.out.println("DONE");
  }
}
