package io.pledge.writer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import io.pledge.contract.Topics;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.testkit.git.GitFixtures;
import io.pledge.testkit.kafka.EmbeddedKafka;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.metrics.PrometheusScrape;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /q/metrics} and {@code /q/health/ready} as operators see them. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class WriterMetricsTest {

  static final String DOT = "5058f1af8388633f609cadb75a75dc9d";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final EventCodec CODEC = new EventCodec("/pledge/test");
  static final String STORE = "GitStateStore/metrics-store";

  static EventProbe probe;

  @BeforeAll
  static void probe() {
    probe = new EventProbe(EmbeddedKafka.shared().bootstrapServers(), Topics.STATUS);
  }

  @AfterAll
  static void closeProbe() {
    probe.close();
  }

  @Test
  void measuresCommitBatchSizeAndPushLatencyOfAStore() throws Exception {
    Path repo =
        GitFixtures.bareRepository(
            Files.createTempDirectory("metrics").resolve("state.git"), "main");
    apply(
        "GitStateStore",
        "metrics-store",
        "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\nmetadata:\n"
            + "  name: metrics-store\nspec:\n  url: "
            + repo
            + "\n  branch: main\n");
    apply(
        "Destination",
        "metrics-worker",
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Destination\nmetadata:\n"
            + "  name: metrics-worker\n  labels: {metrics: 'yes'}\nspec:\n  path: metrics-worker\n"
            + "  strictMatchLabels: true\n"
            + "  stateStoreRef: {kind: GitStateStore, name: metrics-store}\n");
    Work work =
        new Work(
            "default/postgresql/metered",
            Work.RESOURCE,
            "postgresql",
            "default",
            "metered",
            "instance-configure",
            1,
            List.of(
                new WorkloadGroup(
                    DOT,
                    ".",
                    List.of(
                        new io.pledge.contract.work.DestinationSelector(
                            Map.of("metrics", "yes"),
                            io.pledge.contract.work.DestinationSelector.RESOURCE_WORKFLOW)),
                    List.of(
                        Workload.of(
                            "postgres-instance.yaml",
                            "kind: postgresql\n".getBytes(StandardCharsets.UTF_8))))));

    probe.publish(Topics.WORKS, CODEC.event(EventType.WORK_UPSERTED, work.key(), work));
    probe.await(EventType.WORK_COMMITTED.type(), work.key(), WAIT);

    Map<String, String> committed = Map.of("store", STORE, "outcome", "committed");
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> scrape().value("pledge_writer_push_duration_seconds_count", committed) >= 1);
    PrometheusScrape scrape = scrape();
    assertThat(scrape.value("pledge_writer_push_duration_seconds_sum", committed)).isPositive();
    assertThat(scrape.value("pledge_writer_commit_batch_size_count", Map.of("store", STORE)))
        .isGreaterThanOrEqualTo(1);
    assertThat(scrape.value("pledge_writer_commit_batch_size_sum", Map.of("store", STORE)))
        .isGreaterThanOrEqualTo(1);
    assertThat(scrape.has("kafka_consumer_fetch_manager_records_lag_max")).isTrue();
  }

  @Test
  void readinessLooksAtTheBrokerAndTheStateStores() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.name", hasItem("kafka-broker"))
        .body("checks.name", hasItem("state-stores"))
        .body("checks.name", hasItem("state-writer"));
  }

  static void apply(String kind, String name, String yaml) {
    probe.publish(
        Topics.DESTINATIONS,
        CODEC.event(
            EventType.DESTINATION_APPLIED,
            DestinationApplied.key(kind, name),
            new DestinationApplied(kind, name, KratixDocuments.readAll(yaml).get(0))));
  }

  static PrometheusScrape scrape() {
    return PrometheusScrape.parse(given().accept("text/plain").get("/q/metrics").asString());
  }
}
