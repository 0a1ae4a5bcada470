package io.pledge.intake.kafka;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/** The {@code kafka.*} properties (bootstrap servers, security) for the plain Kafka clients. */
public final class KafkaClientProperties {

  private static final String KAFKA_PREFIX = "kafka.";

  private KafkaClientProperties() {}

  /** Every {@code kafka.*} property of {@code config}, without its prefix. */
  public static Map<String, String> of(Config config) {
    Map<String, String> kafka = new HashMap<>();
    for (String name : config.getPropertyNames()) {
      if (name.startsWith(KAFKA_PREFIX)) {
        config
            .getOptionalValue(name, String.class)
            .ifPresent(v -> kafka.put(name.substring(KAFKA_PREFIX.length()), v));
      }
    }
    kafka.put("bootstrap.servers", config.getValue("kafka.bootstrap.servers", String.class));
    return kafka;
  }
}
