package io.pledge.writer;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.pledge.kafka.health.VitalThreads;
import io.pledge.writer.batch.CommitBatcher;
import io.pledge.writer.config.WriterConfig;
import io.pledge.writer.destination.DestinationTable;
import io.pledge.writer.git.GitStateStores;
import io.pledge.writer.kafka.KafkaClients;
import io.pledge.writer.kafka.TableFollower;
import io.pledge.writer.kafka.WorksConsumer;
import io.pledge.writer.kafka.WriterPublisher;
import io.pledge.writer.readiness.ReadinessChecks;
import io.pledge.writer.scheduling.PlacementTable;
import io.pledge.writer.store.StoreHealth;
import io.pledge.writer.stores.StateStores;
import io.pledge.writer.telemetry.WriterTelemetry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Wires the service at start-up: the two table followers (destinations, placements), the publisher,
 * the commit batcher and the works consumer; stops them in reverse order at shutdown.
 */
@ApplicationScoped
public class StateWriter {

  private static final Logger LOG = Logger.getLogger(StateWriter.class);

  @Inject WriterConfig config;
  @Inject KafkaClients kafka;
  @Inject OpenTelemetry openTelemetry;
  @Inject MeterRegistry meters;
  @Inject VitalThreads vitalThreads;

  private final DestinationTable destinations = new DestinationTable();
  private final PlacementTable placements = new PlacementTable();
  private final StoreHealth storeHealth = new StoreHealth();
  private TableFollower destinationsFollower;
  private TableFollower placementsFollower;
  private WriterPublisher publisher;
  private StateStores stores;
  private WorksConsumer works;

  void start(@Observes StartupEvent event) {
    LOG.infof("State writer: local copies under %s", config.workDir().toAbsolutePath());
    WriterTelemetry telemetry = new WriterTelemetry(openTelemetry, meters, storeHealth);
    placementsFollower =
        new TableFollower(
            config.topics().placements(),
            kafka.consumer(null, 500),
            r -> placements.apply(r.key(), r.value()));
    destinationsFollower =
        new TableFollower(
            config.topics().destinations(),
            kafka.consumer(null, 500),
            r -> {
              DestinationTable.Change change = destinations.apply(r.key(), r.value());
              WorksConsumer consumer = works;
              if (consumer != null) {
                consumer.destinationChanged(change);
              }
            });
    publisher =
        new WriterPublisher(
            kafka.producer(),
            config.topics().status(),
            config.topics().placements(),
            config.topics().destinationsStatus(),
            config.topics().components(),
            placementsFollower,
            telemetry);
    stores =
        new StateStores(
            new GitStateStores(
                    config.workDir(),
                    config.secretsDir(),
                    config.retry().pushAttempts(),
                    GitStateStores.CONTENTION_BACKOFF,
                    config.staleLockAge(),
                    telemetry)
                .relativeTo(config.home()),
            config.secretsDir());
    CommitBatcher batcher =
        new CommitBatcher(
                destinations,
                placements,
                stores,
                publisher,
                config.retry().initialBackoff(),
                config.retry().maxBackoff(),
                telemetry)
            .platformCommits(config.platformCommits());
    ReadinessChecks readiness =
        new ReadinessChecks(
            destinations,
            stores,
            publisher,
            config.storeCheckInterval(),
            config.storeCheckRetry(),
            Clock.systemUTC());
    works =
        new WorksConsumer(
            config.topics().works(),
            kafka.consumer(config.groupId(), config.batch().maxWorks()),
            config.batch().window(),
            config.batch().maxWorks(),
            config.reevaluateInterval(),
            config.retry().initialBackoff(),
            config.retry().maxBackoff(),
            batcher,
            publisher,
            destinations,
            placements,
            destinationsFollower,
            placementsFollower,
            readiness,
            telemetry);
    placementsFollower.start(vitalThreads);
    destinationsFollower.start(vitalThreads);
    works.start(vitalThreads);
  }

  void stop(@Observes ShutdownEvent event) {
    if (works != null) {
      works.close();
    }
    if (destinationsFollower != null) {
      destinationsFollower.close();
    }
    if (placementsFollower != null) {
      placementsFollower.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    if (stores != null) {
      stores.close();
    }
  }

  public boolean destinationsRead() {
    return destinationsFollower != null && destinationsFollower.caughtUp();
  }

  public boolean placementsRead() {
    return placementsFollower != null && placementsFollower.caughtUp();
  }

  public boolean consuming() {
    return works != null && works.ready();
  }

  public DestinationTable destinations() {
    return destinations;
  }

  public PlacementTable placements() {
    return placements;
  }

  /** How the writes to each state store went lately. */
  public StoreHealth storeHealth() {
    return storeHealth;
  }
}
