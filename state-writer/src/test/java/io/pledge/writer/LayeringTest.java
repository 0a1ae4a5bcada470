package io.pledge.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.testkit.layering.ClassDependencies;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layering rule of docs/design/backbone-v2.md (step 2) and STYLE.md: the domain packages
 * decide, adapters reach Kafka. Scheduling Works to Destinations and laying out state-store paths
 * use no kafka-runtime plumbing ({@code io.pledge.kafka}).
 */
class LayeringTest {

  private static final List<String> DOMAIN =
      List.of(
          "io.pledge.writer.scheduling", "io.pledge.writer.layout", "io.pledge.writer.destination");

  @Test
  void domainPackagesDoNotUseTheKafkaRuntime() {
    assertThat(ClassDependencies.of(WriterConfig.class).from(DOMAIN, "io.pledge.kafka")).isEmpty();
  }
}
