package io.pledge.intake.view;

import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.kafka.KafkaClientProperties;
import io.pledge.intake.kafka.TopicReplayer;
import io.pledge.intake.logs.LogReplaySink;
import io.pledge.intake.logs.LogStore;
import io.pledge.kafka.health.VitalThreads;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;

/**
 * Creates the view and the log store at start-up and reads the tables (Promises, Destinations,
 * policies, folded resources) and the logs into them until shutdown. The log store has its own
 * consumer: {@code pledge.logs} can be large, and readiness does not wait for it.
 */
@ApplicationScoped
public class ViewLifecycle {

  private final IntakeConfig config;
  private final Config rawConfig;
  private final VitalThreads threads;
  private final IntakeView view;
  private final LogStore logs;
  private TopicReplayer replayer;
  private TopicReplayer logReplayer;

  ViewLifecycle(IntakeConfig config, Config rawConfig, VitalThreads threads) {
    this.config = config;
    this.rawConfig = rawConfig;
    this.threads = threads;
    this.view = new IntakeView(config.unknownFields() == IntakeConfig.UnknownFields.REJECT);
    IntakeConfig.Logs l = config.logs();
    this.logs =
        new LogStore(
            l.maxRunsPerResource(),
            l.maxBytesPerResource().asLongValue(),
            l.maxTotalBytes().asLongValue());
  }

  @Produces
  @Singleton
  LogStore logs() {
    return logs;
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
            List.of(
                t.promises(),
                t.destinations(),
                t.policies(),
                t.resources(),
                t.destinationsStatus()),
            "request-intake-view",
            new ViewSink(
                t.promises(),
                t.destinations(),
                t.policies(),
                t.resources(),
                t.destinationsStatus(),
                view));
    replayer.start(threads);
    logReplayer =
        new TopicReplayer(
            kafkaClientConfig(), List.of(t.logs()), "request-intake-logs", new LogReplaySink(logs));
    logReplayer.start(threads);
  }

  void stop(@Observes ShutdownEvent ignored) {
    if (replayer != null) {
      replayer.close();
    }
    if (logReplayer != null) {
      logReplayer.close();
    }
  }

  /** True once the replay reached the end offsets seen at start-up. */
  public boolean caughtUp() {
    return replayer != null && replayer.caughtUp();
  }

  /** True once the view has read every partition in {@code offsets} up to its offset there. */
  public boolean reached(Map<TopicPartition, Long> offsets) {
    return replayer != null && replayer.reached(offsets);
  }

  /** True once the log replay reached the end offsets of {@code pledge.logs} seen at start-up. */
  public boolean logsCaughtUp() {
    return logReplayer != null && logReplayer.caughtUp();
  }

  private Map<String, String> kafkaClientConfig() {
    return KafkaClientProperties.of(rawConfig);
  }
}
