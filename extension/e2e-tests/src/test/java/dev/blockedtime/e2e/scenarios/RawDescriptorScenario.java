package dev.blockedtime.e2e.scenarios;

import java.lang.reflect.Method;

/**
 * Prints whether the core reads a stack frame's descriptor as the text the VM wrote into it
 * ({@code Frames.readsRawDescriptors}), this JVM's feature version, and whether it identifies a
 * frame's method by the object the VM interns for it ({@code Frames.identifiesMethods}).
 */
public final class RawDescriptorScenario {
  public static void main(String[] args) throws Exception {
    Class<?> frames = Class.forName("dev.blockedtime.bootstrap.Frames", true, null);
    Method m = frames.getDeclaredMethod("readsRawDescriptors");
    m.setAccessible(true);
    Method ids = frames.getDeclaredMethod("identifiesMethods");
    ids.setAccessible(true);
    System.out.println("RAW " + m.invoke(null) + " FEATURE " + Runtime.version().feature());
    System.out.println("METHOD IDS " + ids.invoke(null));
    System.out.println("DONE");
  }
}
