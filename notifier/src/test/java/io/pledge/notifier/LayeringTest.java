package io.pledge.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.testkit.layering.ClassDependencies;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layering rule of docs/design/backbone-v2.md (step 2) and STYLE.md: the domain packages
 * decide, adapters reach Kafka. Detecting lifecycle changes, planning notifications and delivering
 * them use no kafka-runtime plumbing ({@code io.pledge.kafka}).
 */
class LayeringTest {

  private static final List<String> DOMAIN =
      List.of(
          "io.pledge.notifier.lifecycle",
          "io.pledge.notifier.policy",
          "io.pledge.notifier.delivery");

  @Test
  void domainPackagesDoNotUseTheKafkaRuntime() {
    assertThat(ClassDependencies.of(NotifierConfig.class).from(DOMAIN, "io.pledge.kafka"))
        .isEmpty();
  }
}
