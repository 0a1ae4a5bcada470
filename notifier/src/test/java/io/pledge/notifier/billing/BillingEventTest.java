package io.pledge.notifier.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.status.StatusFold;
import io.pledge.notifier.StatusEvents;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BillingEventTest {

  private static final String KEY = "default/postgresql/example";
  private static final ResourceKey RESOURCE = ResourceKey.parse(KEY);

  @Test
  void theIdempotencyKeyIsStablePerKeyGenerationAndAction() {
    String key = BillingEvent.idempotencyKey(RESOURCE, 1, "reconciled");

    assertThat(BillingEvent.idempotencyKey(ResourceKey.parse(KEY), 1, "reconciled"))
        .isEqualTo(key)
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(BillingEvent.idempotencyKey(RESOURCE, 2, "reconciled")).isNotEqualTo(key);
    assertThat(BillingEvent.idempotencyKey(RESOURCE, 1, "deleted")).isNotEqualTo(key);
    assertThat(
            BillingEvent.idempotencyKey(
                ResourceKey.parse("other/postgresql/example"), 1, "reconciled"))
        .isNotEqualTo(key);
  }

  @Test
  void thePayloadNamesTheResourceActionAndDestinations() {
    LifecycleEvent reconciled =
        new LifecycleEvent(
            RESOURCE,
            1,
            Lifecycle.RECONCILED,
            StatusFold.foldAll(KEY, new StatusEvents(KEY).reconciled(1)));

    JsonNode body = BillingEvent.payload(reconciled);

    assertThat(body.path("action").asText()).isEqualTo("reconciled");
    assertThat(body.path("idempotencyKey").asText())
        .isEqualTo(BillingEvent.idempotencyKey(RESOURCE, 1, "reconciled"));
    assertThat(body.path("resource").path("promise").asText()).isEqualTo("postgresql");
    assertThat(body.path("resource").path("key").asText()).isEqualTo(KEY);
    assertThat(body.path("generation").asLong()).isEqualTo(1);
    assertThat(body.path("requester").asText()).isEqualTo("alice");
    assertThat(body.path("destinations").toString()).isEqualTo("[\"worker-1\"]");
    assertThat(body.path("occurredAt").isTextual()).isTrue();
  }

  @Test
  void aCreationCarriesThePlanAndSizeFromTheSpecAndTheTime() throws Exception {
    LifecycleEvent created =
        new LifecycleEvent(
            RESOURCE,
            1,
            Lifecycle.CREATED,
            StatusFold.foldAll(KEY, new StatusEvents(KEY).reconciled(1)));
    JsonNode resource =
        EventCodec.JSON.readTree(
            "{\"spec\":{\"size\":\"small\",\"plan\":\"gold\",\"dbName\":\"bestdb\"}}");
    Notification n =
        new Notification(
            "created",
            created,
            resource,
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty());

    JsonNode body = BillingEvent.payload(n);

    assertThat(body.path("action").asText()).isEqualTo("created");
    assertThat(body.path("promise").asText()).isEqualTo("postgresql");
    assertThat(body.path("size").asText()).isEqualTo("small");
    assertThat(body.path("plan").asText()).isEqualTo("gold");
    assertThat(body.has("dbName")).isFalse();
    assertThat(body.path("time").isTextual()).isTrue();
    assertThat(body.path("idempotencyKey").asText())
        .isEqualTo(BillingEvent.idempotencyKey(RESOURCE, 1, "created"))
        .isEqualTo(BillingEvent.idempotencyKey(n));
  }
}
