package io.pledge.runner.events;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.runner.PlaysIntake;
import io.pledge.testkit.kafka.EventProbe;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.pledge.testkit.metrics.PrometheusScrape;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /q/metrics} and {@code /q/health/ready} as operators see them. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(StageImagesResource.class)
class RunnerMetricsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  private EventProbe probe;

  @BeforeEach
  void setUp() {
    probe = new EventProbe(bootstrap, Topics.STATUS);
  }

  @AfterEach
  void tearDown() {
    probe.close();
  }

  @Test
  void timesPipelinesAndStagesByPromisePipelineAndOutcome() {
    String promise = "metered";
    ResourceKey key = new ResourceKey("default", promise, "db");
    PlaysIntake intake = new PlaysIntake(probe);
    intake.promise(promise, 1, promise(promise));
    intake.request(key, 1, "hash", resource(key));

    probe.await(EventType.WORKFLOW_COMPLETED.type(), key.toString(), WAIT);

    PrometheusScrape scrape = scrape();
    assertThat(
            scrape.value(
                "pledge_runner_pipeline_duration_seconds_count",
                Map.of(
                    "promise", promise, "pipeline", "instance-configure", "outcome", "succeeded")))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            scrape.value(
                "pledge_runner_stage_duration_seconds_count",
                Map.of(
                    "promise",
                    promise,
                    "pipeline",
                    "instance-configure",
                    "container",
                    "configure",
                    "outcome",
                    "succeeded")))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            scrape.value(
                "pledge_runner_stage_duration_seconds_sum",
                Map.of("promise", promise, "container", "configure")))
        .isPositive();
    // Consumer lag of the requests channel (Micrometer's Kafka client binder).
    assertThat(scrape.has("kafka_consumer_fetch_manager_records_lag_max")).isTrue();
  }

  @Test
  void readinessLooksAtTheBrokerThroughTheChannels() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.name", hasItem("pipeline-runner"))
        .body("checks.name", hasItem("SmallRye Reactive Messaging - readiness check"))
        // kafka-runtime's broker check is for services without channels; the runner has channels.
        .body("checks.name", not(hasItem("kafka-broker")));
  }

  private static JsonNode promise(String name) {
    return KratixDocuments.readAll(
            """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: %s, generation: 1}
            spec:
              api:
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: databases.test.pledge.io}
                spec:
                  group: test.pledge.io
                  scope: Namespaced
                  names: {kind: Database, plural: databases}
                  versions: [{name: v1, served: true, storage: true}]
              workflows:
                resource:
                  configure:
                    - apiVersion: platform.kratix.io/v1alpha1
                      kind: Pipeline
                      metadata: {name: instance-configure}
                      spec:
                        containers: [{name: configure, image: "%s"}]
            """
                .formatted(name, StageImagesResource.CONFIGURE_IMAGE))
        .get(0);
  }

  private static JsonNode resource(ResourceKey key) {
    return KratixDocuments.readAll(
            """
            apiVersion: test.pledge.io/v1
            kind: Database
            metadata: {name: %s, namespace: %s, generation: 1}
            spec: {size: small}
            """
                .formatted(key.name(), key.namespace()))
        .get(0);
  }

  private static PrometheusScrape scrape() {
    return PrometheusScrape.parse(given().accept("text/plain").get("/q/metrics").asString());
  }
}
