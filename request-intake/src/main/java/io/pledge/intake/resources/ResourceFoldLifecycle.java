package io.pledge.intake.resources;

import io.pledge.intake.IntakeConfig;
import io.pledge.intake.kafka.KafkaClientProperties;
import io.pledge.kafka.streams.StreamsRunner;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

/**
 * Runs the resource owner from start-up to shutdown when {@code pledge.intake.resources.enabled}.
 * In this step it runs in shadow: it writes {@code pledge.resources}, and the view is still folded
 * from the history by {@link io.pledge.intake.view.ViewLifecycle}.
 */
@ApplicationScoped
public class ResourceFoldLifecycle {

  private final IntakeConfig config;
  private final Config rawConfig;
  private StreamsRunner runner;

  ResourceFoldLifecycle(IntakeConfig config, Config rawConfig) {
    this.config = config;
    this.rawConfig = rawConfig;
  }

  void start(@Observes StartupEvent ignored) {
    IntakeConfig.Resources r = config.resources();
    if (!r.enabled()) {
      return;
    }
    IntakeConfig.TopicNames t = config.topics();
    runner =
        new StreamsRunner(
            ResourceTopology.build(
                t.requests(), t.status(), t.resources(), config.eventSource() + "/owner"),
            ResourceStreamsSettings.of(
                KafkaClientProperties.of(rawConfig),
                r.applicationId(),
                r.commitInterval(),
                r.stateDir()));
    runner.start();
  }

  void stop(@Observes ShutdownEvent ignored) {
    if (runner != null) {
      runner.close();
    }
  }

  /** True while the owner runs: every task assigned, its store restored. */
  public boolean running() {
    return runner != null && runner.running();
  }
}
