package io.pledge.intake.resources;

import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.kafka.KafkaClientProperties;
import io.pledge.intake.view.FoldProgress;
import io.pledge.kafka.streams.StreamsRunner;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;

/**
 * Runs the resource owner from start-up to shutdown: it writes {@code pledge.resources}, which the
 * view reads ({@link io.pledge.intake.view.ViewLifecycle}). Every intake instance runs it with the
 * same application id, so the instances share its tasks.
 */
@ApplicationScoped
public class ResourceFoldLifecycle implements FoldProgress {

  private final IntakeConfig config;
  private final Config rawConfig;
  private StreamsRunner runner;
  private FoldCatchUp catchUp;

  ResourceFoldLifecycle(IntakeConfig config, Config rawConfig) {
    this.config = config;
    this.rawConfig = rawConfig;
  }

  void start(@Observes StartupEvent ignored) {
    IntakeConfig.Resources r = config.resources();
    IntakeConfig.TopicNames t = config.topics();
    catchUp =
        new FoldCatchUp(
            KafkaClientProperties.of(rawConfig),
            r.applicationId(),
            List.of(t.requests(), t.status(), t.requestIntents()),
            t.resources());
    runner =
        new StreamsRunner(
            ResourceTopology.build(
                new ResourceTopology.OwnerTopics(
                    t.requests(),
                    t.status(),
                    t.requestIntents(),
                    t.resources(),
                    t.requestDecisions()),
                config.eventSource() + "/owner",
                config.eventSource()),
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
    if (catchUp != null) {
      catchUp.close();
    }
  }

  /**
   * Once the owner runs and has folded what its inputs held at start-up: the offsets of {@code
   * pledge.resources} a reader must reach to see all of it.
   */
  @Override
  public Optional<Map<TopicPartition, Long>> foldedEnds() {
    if (!running()) {
      return Optional.empty();
    }
    return catchUp.outputEnds();
  }

  /**
   * True unless the owner stopped or failed; a rebalance (another instance joining) does not count
   * against it.
   */
  @Override
  public boolean alive() {
    return runner != null && runner.state().isRunningOrRebalancing();
  }

  /** True while the owner runs: every task assigned, its store restored. */
  public boolean running() {
    return runner != null && runner.running();
  }
}
