package io.pledge.intake.view;

import io.pledge.intake.IntakeConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/** Creates the view at start-up and replays the topics into it until shutdown. */
@ApplicationScoped
public class ViewLifecycle {

  private static final String KAFKA_PREFIX = "kafka.";

  private final IntakeConfig config;
  private final Config rawConfig;
  private final IntakeView view;
  private TopicReplayer replayer;

  ViewLifecycle(IntakeConfig config, Config rawConfig) {
    this.config = config;
    this.rawConfig = rawConfig;
    this.view = new IntakeView(config.unknownFields() == IntakeConfig.UnknownFields.REJECT);
  }

  @Produces
  @Singleton
  IntakeView view() {
    return view;
  }

  void start(@Observes StartupEvent ignored) {
    IntakeConfig.TopicNames t = config.topics();
    replayer =
        new TopicReplayer(
            kafkaClientConfig(),
            t.promises(),
            t.destinations(),
            List.of(t.requests(), t.status()),
            view);
    replayer.start();
  }

  void stop(@Observes ShutdownEvent ignored) {
    if (replayer != null) {
      replayer.close();
    }
  }

  /** True once the replay reached the end offsets seen at start-up. */
  public boolean caughtUp() {
    return replayer != null && replayer.caughtUp();
  }

  /** The {@code kafka.*} properties (bootstrap servers, security) for the plain consumer. */
  private Map<String, String> kafkaClientConfig() {
    Map<String, String> kafka = new HashMap<>();
    for (String name : rawConfig.getPropertyNames()) {
      if (name.startsWith(KAFKA_PREFIX)) {
        rawConfig
            .getOptionalValue(name, String.class)
            .ifPresent(v -> kafka.put(name.substring(KAFKA_PREFIX.length()), v));
      }
    }
    kafka.put("bootstrap.servers", rawConfig.getValue("kafka.bootstrap.servers", String.class));
    return kafka;
  }
}
