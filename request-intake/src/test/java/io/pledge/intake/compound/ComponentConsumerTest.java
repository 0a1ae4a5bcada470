package io.pledge.intake.compound;

import static io.pledge.intake.IntakeTestSupport.probe;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.work.ComponentSet;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.Workload;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compound Promises on a real broker: request sets on {@code pledge.components}, as state-writer
 * sends them for a platform Destination, become requests labelled as their parent's; a later set
 * replaces the earlier one (what it dropped is deleted), an empty set deletes everything, and a set
 * that cannot be applied applies nothing, fails the parent's Work with the reason, and heals once
 * what it lacked exists.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class ComponentConsumerTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String GROUP = "e2dd5f7e4e2e9c1b44c1b2f8a5a7b3d1";

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  private static ComponentSet set(String parent, long generation, String... files) {
    List<Workload> workloads =
        java.util.stream.IntStream.range(0, files.length)
            .mapToObj(
                i ->
                    Workload.of(
                        "platform/" + i + ".yaml", files[i].getBytes(StandardCharsets.UTF_8)))
            .toList();
    return new ComponentSet(
        "default/app/" + parent,
        Work.RESOURCE,
        "app",
        "default",
        parent,
        "app-configure",
        generation,
        GROUP,
        "platform",
        workloads);
  }

  private static void send(ComponentSet set) {
    probe()
        .publish(
            Topics.COMPONENTS,
            set.parentKey(),
            EventCodec.write(
                new EventCodec("/pledge/state-writer")
                    .event(EventType.COMPONENTS_APPLIED, set.parentKey(), set)));
  }

  private static CloudEvent awaitEvent(String type, String key) {
    return probe().await(e -> type.equals(e.type()) && key.equals(e.subject()), WAIT);
  }

  private static String database(String name, String namespace) {
    return IntakeTestSupport.request(name, "requester: app")
        .replace("namespace: default", "namespace: " + namespace);
  }

  @Test
  void aSetIsAppliedAsItsParentsRequestsAndALaterSetDeletesWhatItDropped() {
    String parent = IntakeTestSupport.unique("shop");
    String db = parent + "-db";
    String cache = parent + "-cache";
    ComponentSet first =
        set(parent, 1, database(db, "default") + "---\n" + database(cache, "default"));

    send(first);

    RequestApplied applied =
        EventCodec.data(
            awaitEvent("pledge.request.applied", "default/postgresql/" + db), RequestApplied.class);
    com.fasterxml.jackson.databind.JsonNode labels =
        applied.resource().path("metadata").path("labels");
    assertThat(labels.path(ComponentSet.PARENT_PROMISE_LABEL).asText()).isEqualTo("app");
    assertThat(labels.path(ComponentSet.PARENT_NAME_LABEL).asText()).isEqualTo(parent);
    assertThat(labels.path(ComponentSet.PARENT_NAMESPACE_LABEL).asText()).isEqualTo("default");
    assertThat(labels.path(ComponentSet.SET_LABEL).asText()).isEqualTo(first.setLabel());
    awaitEvent("pledge.request.applied", "default/postgresql/" + cache);

    // The same set again (a redelivery) changes nothing; the next generation drops the cache.
    send(first);
    send(set(parent, 2, database(db, "default")));
    awaitEvent("pledge.request.deleted", "default/postgresql/" + cache);
    assertThat(IntakeTestSupport.count("pledge.request.applied", "default/postgresql/" + db))
        .isEqualTo(1);

    // The parent's Work withdrawn: an empty set deletes the rest.
    send(set(parent, 3));
    awaitEvent("pledge.request.deleted", "default/postgresql/" + db);
  }

  @Test
  void aSetNamingAKindNoPromiseOffersAppliesNothingFailsTheParentAndHealsWhenThePromiseComes() {
    String parent = IntakeTestSupport.unique("shop");
    String db = parent + "-db";
    String promise = IntakeTestSupport.unique("gadget").replace("-", "");
    String gadget =
        """
        apiVersion: %s.example.com/v1
        kind: Widget
        metadata: {name: %s-gadget}
        spec: {size: large}
        """
            .formatted(promise, parent);
    ComponentSet set = set(parent, 1, database(db, "default"), gadget);

    send(set);

    CloudEvent failed = awaitEvent("pledge.work.failed", set.parentKey());
    WorkFailed data = EventCodec.data(failed, WorkFailed.class);
    assertThat(data.destination()).isEqualTo("platform");
    assertThat(data.pipeline()).isEqualTo("app-configure");
    assertThat(data.reason()).startsWith(ComponentConsumer.REFUSED).contains("Widget");
    assertThat(IntakeTestSupport.count("pledge.request.applied", "default/postgresql/" + db))
        .as("nothing of a refused set is applied")
        .isZero();

    given()
        .contentType("application/yaml")
        .body(IntakeTestSupport.widgetPromise(promise, "small").getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/apply")
        .then()
        .statusCode(200);

    awaitEvent("pledge.request.applied", "default/postgresql/" + db);
    awaitEvent("pledge.request.applied", "default/" + promise + "/" + parent + "-gadget");
    awaitEvent("pledge.work.committed", set.parentKey());
    assertThat(IntakeTestSupport.count("pledge.work.failed", set.parentKey()))
        .as("a retry that fails the same way says nothing new")
        .isEqualTo(1);
  }

  @Test
  void aRequestsWorkflowMayNotRequestInAnotherNamespaceOrInstallAPromise() {
    String parent = IntakeTestSupport.unique("shop");
    send(set(parent, 1, database(parent + "-db", "payments")));
    WorkFailed namespace =
        EventCodec.data(
            awaitEvent("pledge.work.failed", "default/app/" + parent), WorkFailed.class);
    assertThat(namespace.reason()).contains("own namespace default, not in payments");

    String other = IntakeTestSupport.unique("shop");
    send(set(other, 1, IntakeTestSupport.widgetPromise(IntakeTestSupport.unique("p"), "small")));
    WorkFailed promise =
        EventCodec.data(awaitEvent("pledge.work.failed", "default/app/" + other), WorkFailed.class);
    assertThat(promise.reason()).contains("may only request resources");
    assertThat(
            IntakeTestSupport.count(
                "pledge.request.applied", "payments/postgresql/" + parent + "-db"))
        .isZero();
  }

  @Test
  void aRequestOwnedBySomethingElseIsNotTakenOver() {
    String parent = IntakeTestSupport.unique("shop");
    String db = IntakeTestSupport.unique("mine");
    IntakeTestSupport.post("application/yaml", database(db, "default")).then().statusCode(200);

    send(set(parent, 1, database(db, "default")));

    WorkFailed failed =
        EventCodec.data(
            awaitEvent("pledge.work.failed", "default/app/" + parent), WorkFailed.class);
    assertThat(failed.reason()).contains("already exists and was not applied by this parent");
    assertThat(IntakeTestSupport.count("pledge.request.applied", "default/postgresql/" + db))
        .isEqualTo(1);
  }
}
