package io.pledge.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.runner.config.RunnerConfig;
import io.pledge.testkit.layering.ClassDependencies;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layering rule of docs/design/backbone-v2.md (step 2) and STYLE.md: the domain packages
 * decide, adapters reach Kafka. Sequencing and running workflows use no kafka-runtime plumbing
 * ({@code io.pledge.kafka}).
 */
class LayeringTest {

  private static final List<String> DOMAIN = List.of("io.pledge.runner.workflow");

  @Test
  void domainPackagesDoNotUseTheKafkaRuntime() {
    assertThat(ClassDependencies.of(RunnerConfig.class).from(DOMAIN, "io.pledge.kafka")).isEmpty();
  }
}
