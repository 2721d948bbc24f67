package dev.blockedtime.javaagent.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Without a muzzle plugin, the helper list is hand-written: it must name every class the advice reaches. */
class GrpcInstrumentationModuleTest {
  /** Loaded by the agent from the extension's own class loader, never injected. */
  static final Set<String> NOT_HELPERS =
      Set.of("GrpcInstrumentationModule", "ChannelBuilderInstrumentation", "ChannelBuilderInstrumentation$BuildAdvice");

  @Test
  void everyClassOfThePackageIsAHelperOrAgentSide() throws IOException, URISyntaxException {
    Path dir = Path.of(GrpcTargets.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve(GrpcTargets.class.getPackage().getName().replace('.', '/'));
    List<String> compiled;
    try (Stream<Path> files = Files.list(dir)) {
      compiled = files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".class"))
          .map(n -> n.substring(0, n.length() - ".class".length()))
          .filter(n -> !NOT_HELPERS.contains(n))
          .map(n -> GrpcTargets.class.getPackage().getName() + "." + n)
          .collect(Collectors.toList());
    }
    List<String> helpers = new GrpcInstrumentationModule().getAdditionalHelperClassNames();
    assertThat(helpers).containsAll(compiled);
    assertThat(helpers).contains("dev.blockedtime.javaagent.telemetry.Instruments");
    assertThat(helpers).doesNotHaveDuplicates();
    for (String helper : helpers) {
      assertThat(GrpcTargets.class.getClassLoader().getResource(helper.replace('.', '/') + ".class"))
          .as(helper)
          .isNotNull();
    }
  }

  @Test
  void runsAfterTheAgentsOwnGrpcModule() {
    assertThat(new GrpcInstrumentationModule().order()).isGreaterThan(0);
  }
}
