package io.pledge.runner.events;

import static org.awaitility.Awaitility.await;

import io.pledge.kafka.health.VitalThreads;
import io.pledge.runner.config.RunnerConfig;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.runner.workflow.ResourceIndex;
import io.pledge.runner.workflow.WorkflowSequencer;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.enterprise.inject.Vetoed;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The periodic scan for resources due for a re-run, on its real schedule against a broker. */
class ResourceTableTest {

  private static final Duration BOUND = Duration.ofSeconds(30);

  private final WorkflowSequencer sequencer =
      new WorkflowSequencer(job -> null, 1, 1, Duration.ofSeconds(1));
  private ResourceTable table;

  /**
   * Asked by each scan once the index is read; the first scan fails with an exception, the next
   * with an error.
   */
  @Vetoed // not a bean of the @QuarkusTest applications that share this test class path
  private static final class FailingPromiseTable extends PromiseTableReader {
    final AtomicInteger asked = new AtomicInteger();

    @Override
    public boolean caughtUp() {
      switch (asked.incrementAndGet()) {
        case 1 -> throw new IllegalStateException("first scan fails");
        case 2 -> throw new StackOverflowError("second scan fails");
        default -> {
          return false;
        }
      }
    }
  }

  @AfterEach
  void stop() {
    if (table != null) {
      table.stop(null);
    }
    sequencer.close();
  }

  @Test
  void scansGoOnAfterScansThatThrow() {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    String requests = "requests-" + UUID.randomUUID();
    kafka.createTopics(List.of(requests), Set.of());
    FailingPromiseTable promiseTable = new FailingPromiseTable();
    table = new ResourceTable();
    table.config =
        new SmallRyeConfigBuilder()
            .withMapping(RunnerConfig.class)
            .withConverter(Duration.class, 100, new DurationConverter())
            .withDefaultValue("pledge.runner.resources-topic", "resources-" + UUID.randomUUID())
            .withDefaultValue("pledge.runner.reconcile-scan-interval", "100ms")
            .build()
            .getConfigMapping(RunnerConfig.class);
    table.index = new ResourceIndex();
    table.promises = new PromiseRegistry();
    table.promiseTable = promiseTable;
    table.sequencer = sequencer;
    table.bootstrapServers = kafka.bootstrapServers();
    table.requestsTopic = requests;
    table.vitalThreads = new VitalThreads();

    table.start(null);

    await().atMost(BOUND).until(() -> promiseTable.asked.get() > 3);
  }
}
