package io.pledge.notifier;

import io.pledge.testkit.layering.LayeringRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layering rules of STYLE.md ({@link LayeringRules}) for notifier. */
class LayeringTest {

  private static final String ROOT = "io.pledge.notifier";
  private static final List<String> DOMAIN =
      List.of(
          "io.pledge.notifier.lifecycle",
          "io.pledge.notifier.policy",
          "io.pledge.notifier.delivery");

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    LayeringRules.noPackageCycles(ROOT).check(LayeringRules.mainClasses(NotifierConfig.class));
  }

  @Test
  void domainPackagesUseNoAdapterTechnology() {
    // Qute is the template language NotificationPolicies are written in: the policy domain renders
    // with it as with a library, and reaches no framework service through it.
    LayeringRules.domainUsesNoAdapterTechnology(DOMAIN, "io.quarkus.qute..")
        .check(LayeringRules.mainClasses(NotifierConfig.class));
  }

  @Test
  void noOtherServiceIsUsed() {
    LayeringRules.usesNoOtherService(ROOT).check(LayeringRules.mainClasses(NotifierConfig.class));
  }
}
