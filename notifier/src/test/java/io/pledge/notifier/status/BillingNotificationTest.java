package io.pledge.notifier.status;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.billing.BillingEvent;
import io.pledge.notifier.billing.BillingStub;
import io.pledge.notifier.billing.BillingStubResource;
import io.pledge.notifier.slack.SlackStub;
import io.pledge.notifier.slack.SlackStubResource;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(SlackStubResource.class)
@QuarkusTestResource(value = BillingStubResource.class, restrictToAnnotatedClass = true)
class BillingNotificationTest {

  @SlackStub WireMockServer slack;
  @BillingStub WireMockServer billing;

  private StatusProbe probe;

  @BeforeEach
  void openProbe() {
    probe = new StatusProbe(slack);
  }

  @AfterEach
  void closeProbe() {
    probe.close();
  }

  private List<LoggedRequest> billed(String action) {
    return billing.findAll(
        postRequestedFor(urlEqualTo(BillingStubResource.PATH))
            .withRequestBody(containing("\"action\":\"" + action + "\"")));
  }

  @Test
  void billsCreationAndDeletionOnceWithAnIdempotencyKeyThatSurvivesRetries() {
    StatusEvents billed = new StatusEvents("default/postgresql/billed");
    ResourceKey key = ResourceKey.parse(billed.key());
    billing.stubFor(
        post(urlEqualTo(BillingStubResource.PATH))
            .atPriority(1)
            .withRequestBody(containing("\"action\":\"created\""))
            .inScenario("billing")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("up"));

    probe.publish(billed.reconciled(1));

    NotificationDelivered sent =
        probe.awaitOutcome(billed.key(), "created", "billing", NotificationDelivered.SENT);
    assertThat(sent.attempt()).isEqualTo(2);
    List<LoggedRequest> reconciled = billed("created");
    assertThat(reconciled).hasSize(2);
    assertThat(reconciled)
        .extracting(r -> r.getHeader("Idempotency-Key"))
        .containsOnly(BillingEvent.idempotencyKey(key, 1, "created"));
    assertThat(reconciled.get(0).getHeader("Authorization"))
        .isEqualTo("Bearer " + BillingStubResource.TOKEN);
    assertThat(reconciled.get(1).getBodyAsString())
        .contains("\"key\":\"default/postgresql/billed\"", "\"generation\":1", "worker-1");

    probe.publish(
        List.of(billed.accepted(1, "delete"), billed.deleteCompleted(1), billed.removed(1)));

    probe.awaitOutcome(billed.key(), "deleted", "billing", NotificationDelivered.SENT);
    assertThat(billed("deleted"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getHeader("Idempotency-Key"))
                    .isEqualTo(BillingEvent.idempotencyKey(key, 1, "deleted")));
    assertThat(billed("created")).hasSize(2);
    assertThat(billed("reconciled")).isEmpty();
    // Slack, with its default events, heard of the reconcile but not of the deletion.
    assertThat(probe.outcomes(billed.key(), "reconciled")).hasSize(1);
    assertThat(probe.outcomes(billed.key(), "deleted")).isEmpty();
  }
}
