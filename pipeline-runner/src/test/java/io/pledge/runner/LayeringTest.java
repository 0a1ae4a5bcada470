package io.pledge.runner;

import io.pledge.runner.config.RunnerConfig;
import io.pledge.testkit.layering.ServiceLayering;
import java.util.List;

/** The layering rules of STYLE.md for the pipeline runner. */
class LayeringTest extends ServiceLayering {

  LayeringTest() {
    super(
        "io.pledge.runner",
        RunnerConfig.class,
        List.of("io.pledge.runner.workflow", "io.pledge.runner.outcome"));
  }
}
