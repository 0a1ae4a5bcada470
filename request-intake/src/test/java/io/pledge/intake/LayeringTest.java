package io.pledge.intake;

import io.pledge.intake.config.IntakeConfig;
import io.pledge.testkit.layering.ServiceLayering;
import java.util.List;

/** The layering rules of STYLE.md for request-intake. */
class LayeringTest extends ServiceLayering {

  LayeringTest() {
    super(
        "io.pledge.intake",
        IntakeConfig.class,
        List.of("io.pledge.intake.apply", "io.pledge.intake.schema"));
  }
}
