package io.pledge.runner;

import io.pledge.runner.config.RunnerConfig;
import io.pledge.testkit.layering.LayeringRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layering rules of STYLE.md ({@link LayeringRules}) for pipeline-runner. */
class LayeringTest {

  private static final String ROOT = "io.pledge.runner";
  private static final List<String> DOMAIN = List.of("io.pledge.runner.workflow");

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    LayeringRules.noPackageCycles(ROOT).check(LayeringRules.mainClasses(RunnerConfig.class));
  }

  @Test
  void domainPackagesUseNoAdapterTechnology() {
    LayeringRules.domainUsesNoAdapterTechnology(DOMAIN)
        .check(LayeringRules.mainClasses(RunnerConfig.class));
  }

  @Test
  void noOtherServiceIsUsed() {
    LayeringRules.usesNoOtherService(ROOT).check(LayeringRules.mainClasses(RunnerConfig.class));
  }
}
