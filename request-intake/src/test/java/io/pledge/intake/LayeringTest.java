package io.pledge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.testkit.layering.ClassDependencies;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layering rule of docs/design/backbone-v2.md (step 2) and STYLE.md: the domain packages
 * decide, adapters reach Kafka. Planning an apply and validating documents against a Promise's
 * schema use no kafka-runtime plumbing ({@code io.pledge.kafka}).
 */
class LayeringTest {

  private static final List<String> DOMAIN =
      List.of("io.pledge.intake.apply", "io.pledge.intake.schema");

  @Test
  void domainPackagesDoNotUseTheKafkaRuntime() {
    assertThat(ClassDependencies.of(IntakeConfig.class).from(DOMAIN, "io.pledge.kafka")).isEmpty();
  }
}
