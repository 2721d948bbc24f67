package dev.blockedtime.e2e.scenarios.safety;

/**
 * Memory and cardinality in one JVM: first the churn of short-lived resources ({@link Churn}),
 * measured on its own, then more distinct stacks and more distinct allocation sites than the
 * extension's caps ({@link Cardinality}). Arguments: resources of each kind to churn, distinct
 * code paths, distinct allocation sites (the last needs the test's generated class); 0 skips a
 * phase.
 */
public final class BoundedMemoryScenario {
  public static void main(String[] args) throws Exception {
    Churn.run(Integer.parseInt(args[0]));
    if (Integer.parseInt(args[1]) > 0) {
      Cardinality.distinctStacks(Integer.parseInt(args[1]));
    }
    if (Integer.parseInt(args[2]) > 0) {
      Cardinality.distinctSites(Integer.parseInt(args[2]));
    }
    System.out.println("DONE");
  }
}
