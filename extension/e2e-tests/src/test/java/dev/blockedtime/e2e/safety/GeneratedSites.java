package dev.blockedtime.e2e.safety;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Generates and compiles {@code dev.blockedtime.e2e.generated.ManySites}: a method {@code
 * make(int i)} that builds a {@code Semaphore} on a line of its own for every {@code i}, so that a
 * scenario can construct resources at thousands of distinct allocation sites.
 */
final class GeneratedSites {
  static final String CLASS_NAME = "dev.blockedtime.e2e.generated.ManySites";

  private GeneratedSites() {}

  /** Compiles the class for {@code sites} sites; returns the class path directory holding it. */
  static Path compile(int sites) {
    Path root = Path.of(System.getProperty("basedir", "."), "target", "generated-sites-" + sites);
    Path source = root.resolve("src/dev/blockedtime/e2e/generated/ManySites.java");
    Path classes = root.resolve("classes");
    if (Files.isRegularFile(classes.resolve("dev/blockedtime/e2e/generated/ManySites.class"))) {
      return classes;
    }
    StringBuilder java = new StringBuilder();
    java.append("package dev.blockedtime.e2e.generated;\n\n")
        .append("public final class ManySites {\n")
        .append("  public static Object make(int i) {\n")
        .append("    switch (i) {\n");
    for (int i = 0; i < sites; i++) {
      java.append("      case ").append(i).append(": return new java.util.concurrent.Semaphore(0);\n");
    }
    java.append("      default: throw new IllegalArgumentException(\"no site \" + i);\n")
        .append("    }\n  }\n}\n");
    try {
      Files.createDirectories(source.getParent());
      Files.createDirectories(classes);
      Files.writeString(source, java, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("the test JVM has no Java compiler (a JRE, not a JDK?)");
    }
    int status =
        javac.run(null, null, null, "--release", "17", "-d", classes.toString(), source.toString());
    if (status != 0) {
      throw new IllegalStateException("javac failed on " + source + " with status " + status);
    }
    return classes;
  }
}
