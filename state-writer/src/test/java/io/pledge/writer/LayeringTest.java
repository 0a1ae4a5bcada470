package io.pledge.writer;

import io.pledge.testkit.layering.LayeringRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layering rules of STYLE.md ({@link LayeringRules}) for the state writer. */
class LayeringTest {

  private static final String ROOT = "io.pledge.writer";
  private static final List<String> DOMAIN =
      List.of(
          "io.pledge.writer.scheduling", "io.pledge.writer.layout", "io.pledge.writer.destination");

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    LayeringRules.noPackageCycles(ROOT).check(LayeringRules.mainClasses(WriterConfig.class));
  }

  @Test
  void domainPackagesUseNoAdapterTechnology() {
    LayeringRules.domainUsesNoAdapterTechnology(DOMAIN)
        .check(LayeringRules.mainClasses(WriterConfig.class));
  }

  @Test
  void noOtherServiceIsUsed() {
    LayeringRules.usesNoOtherService(ROOT).check(LayeringRules.mainClasses(WriterConfig.class));
  }
}
