package io.pledge.intake.api;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.assertNothingPublishedAbout;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.publishedAfterMarker;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.notification.NotificationPolicyDeleted;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class NotificationPolicyResourceTest {

  private static final String YAML = "application/yaml";
  private static final String APPLIED = "pledge.notificationpolicy.applied";
  private static final String DELETED = "pledge.notificationpolicy.deleted";

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  private static ValidatableResponse apply(String body) {
    return IntakeTestSupport.post(YAML, body).then();
  }

  static String policy(String name) {
    return """
        apiVersion: pledge.io/v1alpha1
        kind: NotificationPolicy
        metadata: {name: %s}
        spec:
          promise: postgresql
          rules:
            - {events: [reconciled, failed], channel: slack, template: "{resource.metadata.name} is {event}"}
            - {events: [reconciled, failed], channel: email, to: "{resource.spec.requester}@example.com"}
            - {events: [created, updated, deleted], channel: billing}
        """
        .formatted(name);
  }

  private static List<CloudEvent> policyEventsAfterMarker(String name) {
    return publishedAfterMarker(name, List.of(Topics.POLICIES));
  }

  @Test
  void appliesAPolicyAndPublishesItsDocumentOnThePolicyTopic() {
    String name = unique("policy");

    apply(policy(name))
        .statusCode(200)
        .body("[0].kind", equalTo("NotificationPolicy"))
        .body("[0].name", equalTo(name))
        .body("[0].generation", equalTo(1))
        .body("[0].outcome", equalTo("created"));

    CloudEvent event = probe().await(APPLIED, name, WAIT);
    NotificationPolicyApplied applied = EventCodec.data(event, NotificationPolicyApplied.class);
    assertThat(applied.name()).isEqualTo(name);
    assertThat(applied.generation()).isEqualTo(1);
    assertThat(applied.policy().at("/kind").asText()).isEqualTo("NotificationPolicy");
    assertThat(applied.policy().at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(applied.policy().at("/spec/promise").asText()).isEqualTo("postgresql");
    assertThat(applied.policy().at("/spec/rules/1/to").asText())
        .isEqualTo("{resource.spec.requester}@example.com");
    assertThat(applied.policy().at("/spec/rules/2/events").size()).isEqualTo(3);
    ConsumerRecord<String, String> record =
        probe().records().stream()
            .filter(r -> r.value() != null && r.value().contains(event.id()))
            .findFirst()
            .orElseThrow();
    assertThat(record.topic()).isEqualTo(Topics.POLICIES);
    assertThat(record.key()).isEqualTo(name);
  }

  @Test
  void reapplyingAnUnchangedPolicyPublishesNothingAndAChangeBumpsTheGeneration() {
    String name = unique("same");
    apply(policy(name)).statusCode(200);

    // Flow style or block style, the spec is the same.
    String reordered =
        """
        kind: NotificationPolicy
        apiVersion: pledge.io/v1alpha1
        metadata:
          name: %s
        spec:
          rules:
            - channel: slack
              events: [reconciled, failed]
              template: "{resource.metadata.name} is {event}"
            - {channel: email, events: [reconciled, failed], to: "{resource.spec.requester}@example.com"}
            - {channel: billing, events: [created, updated, deleted]}
          promise: postgresql
        """
            .formatted(name);
    apply(reordered)
        .statusCode(200)
        .body("[0].outcome", equalTo("unchanged"))
        .body("[0].generation", equalTo(1));
    assertThat(policyEventsAfterMarker(name)).extracting(CloudEvent::type).containsExactly(APPLIED);

    apply(policy(name).replace("channel: billing", "channel: email"))
        .statusCode(200)
        .body("[0].outcome", equalTo("configured"))
        .body("[0].generation", equalTo(2));
    CloudEvent second =
        probe()
            .await(
                e ->
                    e.type().equals(APPLIED)
                        && name.equals(e.subject())
                        && e.data().path("generation").asLong() == 2,
                WAIT);
    assertThat(second.data().at("/policy/spec/rules/2/channel").asText()).isEqualTo("email");
  }

  @Test
  void rejectsInvalidRulesNamingEveryFieldAndPublishesNothing() {
    String name = unique("invalid");
    String body =
        """
        apiVersion: pledge.io/v1alpha1
        kind: NotificationPolicy
        metadata: {name: %s}
        spec:
          promise: 7
          rules:
            - {events: [reconciled, exploded], channel: pager}
            - {events: [], channel: email, chanel: slack, webhookSecretRef: {namespace: platform}}
        """
            .formatted(name);

    apply(body)
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .body("errors.path", hasItem("/spec/promise"))
        .body("errors.path", hasItem("/spec/rules/0/channel"))
        .body("errors.path", hasItem("/spec/rules/0/events/1"))
        .body("errors.path", not(hasItem("/spec/rules/0/events/0")))
        .body("errors.path", hasItem("/spec/rules/1/events"))
        .body("errors.path", hasItem("/spec/rules/1/chanel"))
        .body("errors.path", hasItem("/spec/rules/1/webhookSecretRef/name"));
    apply(
            """
            apiVersion: pledge.io/v1alpha1
            kind: NotificationPolicy
            metadata: {name: Not_A_Label}
            spec: {rules: []}
            """)
        .statusCode(422)
        .body("errors.path", hasItem("/metadata/name"))
        .body("errors.path", hasItem("/spec/rules"));

    assertThat(policyEventsAfterMarker(name)).isEmpty();
  }

  @Test
  void appliesPoliciesTogetherWithOtherDocumentsAllOrNothing() {
    String name = unique("mixed");
    String requestName = unique("with-policy");
    String invalid =
        request(requestName, "requester: ana")
            + "---\n"
            + policy(name).replace("channel: slack", "channel: pager");

    apply(invalid).statusCode(422).body("errors.path", hasItem("/1/spec/rules/0/channel"));
    assertNothingPublishedAbout("default/postgresql/" + requestName);
    assertThat(policyEventsAfterMarker(name)).isEmpty();

    apply(request(requestName, "requester: ana") + "---\n" + policy(name))
        .statusCode(200)
        .body("[0].outcome", equalTo("created"))
        .body("[1].kind", equalTo("NotificationPolicy"))
        .body("[1].outcome", equalTo("created"));
    probe().await(APPLIED, name, WAIT);
    probe().await("pledge.request.applied", "default/postgresql/" + requestName, WAIT);
  }

  @Test
  void servesListsAndDeletesPolicies() {
    String name = unique("served");
    apply(policy(name)).statusCode(200);

    given()
        .get("/api/v1/notificationpolicies/" + name)
        .then()
        .statusCode(200)
        .body("kind", equalTo("NotificationPolicy"))
        .body("metadata.generation", equalTo(1))
        .body("spec.rules[2].channel", equalTo("billing"));
    given()
        .get("/api/v1/notificationpolicies")
        .then()
        .statusCode(200)
        .body("kind", equalTo("NotificationPolicyList"))
        .body("items.metadata.name", hasItem(name));

    given()
        .delete("/api/v1/notificationpolicies/" + name)
        .then()
        .statusCode(200)
        .body("outcome", equalTo("deleted"))
        .body("generation", equalTo(1));
    CloudEvent deleted = probe().await(DELETED, name, WAIT);
    assertThat(EventCodec.data(deleted, NotificationPolicyDeleted.class).name()).isEqualTo(name);

    given()
        .get("/api/v1/notificationpolicies/" + name)
        .then()
        .statusCode(404)
        .contentType(startsWith("application/problem+json"));
    given()
        .get("/api/v1/notificationpolicies")
        .then()
        .body("items.metadata.name", not(hasItem(name)));
    given().delete("/api/v1/notificationpolicies/" + name).then().statusCode(404);

    // A re-created policy continues after the deleted one's generation.
    apply(policy(name))
        .statusCode(200)
        .body("[0].outcome", equalTo("created"))
        .body("[0].generation", equalTo(2));
  }

  @Test
  void answersNotFoundForAnUnknownPolicy() {
    given().get("/api/v1/notificationpolicies/nobody").then().statusCode(404);
    given().delete("/api/v1/notificationpolicies/nobody").then().statusCode(404);
  }
}
