package io.pledge.intake;

import io.pledge.testkit.layering.LayeringRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layering rules of STYLE.md ({@link LayeringRules}) for request-intake. */
class LayeringTest {

  private static final String ROOT = "io.pledge.intake";
  private static final List<String> DOMAIN =
      List.of("io.pledge.intake.apply", "io.pledge.intake.schema");

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    LayeringRules.noPackageCycles(ROOT).check(LayeringRules.mainClasses(IntakeConfig.class));
  }

  @Test
  void domainPackagesUseNoAdapterTechnology() {
    LayeringRules.domainUsesNoAdapterTechnology(DOMAIN)
        .check(LayeringRules.mainClasses(IntakeConfig.class));
  }

  @Test
  void noOtherServiceIsUsed() {
    LayeringRules.usesNoOtherService(ROOT).check(LayeringRules.mainClasses(IntakeConfig.class));
  }
}
