package io.pledge.runner.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pledge.kafka.health.VitalThreads;
import io.pledge.runner.config.RunnerConfig;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.enterprise.inject.Vetoed;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the Promise table's reading thread ends: on shutdown, and when interrupted. */
class PromiseTableReaderTest {

  private static final Duration BOUND = Duration.ofSeconds(10);

  private final CapturingThreads threads = new CapturingThreads();
  private PromiseTableReader reader;

  /** Keeps the thread it starts, so the test can interrupt it and see it end. */
  @Vetoed // not a bean of the @QuarkusTest applications that share this test class path
  private static final class CapturingThreads extends VitalThreads {
    private volatile Thread started;

    @Override
    public Thread start(String name, Runnable loop) {
      started = super.start(name, loop);
      return started;
    }
  }

  @BeforeEach
  void startReader() {
    EmbeddedKafka kafka = EmbeddedKafka.shared();
    String topic = "promises-" + UUID.randomUUID();
    kafka.createTopics(List.of(topic), Set.of(topic));
    reader = new PromiseTableReader();
    reader.config =
        new SmallRyeConfigBuilder()
            .withMapping(RunnerConfig.class)
            .withConverter(Duration.class, 100, new DurationConverter())
            .withDefaultValue("pledge.runner.promises-topic", topic)
            .build()
            .getConfigMapping(RunnerConfig.class);
    reader.promises = new PromiseRegistry();
    reader.bootstrapServers = kafka.bootstrapServers();
    reader.vitalThreads = threads;
    reader.start(null);
    await().atMost(BOUND).until(reader::caughtUp);
  }

  @AfterEach
  void stopReader() {
    reader.stop(null);
  }

  @Test
  void shutdownEndsTheReadingThread() {
    reader.stop(null);

    assertThat(threads.started.isAlive()).isFalse();
    assertThat(threads.deaths()).isEmpty();
  }

  @Test
  void interruptEndsTheReadingThreadInsteadOfStartingOver() {
    threads.started.interrupt();

    // Not a busy loop of new consumers that fail at once because the flag is still set; and an
    // end nobody asked for is a death, so liveness turns DOWN.
    await().atMost(BOUND).until(() -> !threads.started.isAlive());
    assertThat(threads.deaths()).containsOnlyKeys("promise-table");
  }
}
