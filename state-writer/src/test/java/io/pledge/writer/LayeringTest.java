package io.pledge.writer;

import io.pledge.testkit.layering.ServiceLayering;
import io.pledge.writer.config.WriterConfig;
import java.util.List;

/** The layering rules of STYLE.md for the state writer. */
class LayeringTest extends ServiceLayering {

  LayeringTest() {
    super(
        "io.pledge.writer",
        WriterConfig.class,
        List.of(
            "io.pledge.writer.scheduling",
            "io.pledge.writer.layout",
            "io.pledge.writer.destination"));
  }
}
