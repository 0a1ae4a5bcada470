package io.pledge.notifier.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.work.Placement;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/** The billing API call for a lifecycle event: its JSON body and its idempotency key. */
public final class BillingEvent {

  /** The spec fields that usually price a resource; copied to the body when present. */
  static final String[] PRICED = {"plan", "size"};

  private BillingEvent() {}

  /**
   * The same for every attempt, every redelivery and every notifier replica, so the billing API can
   * drop repeats: a name-based UUID of (resource key, generation, action).
   */
  public static String idempotencyKey(ResourceKey key, long generation, String action) {
    String name = "pledge:" + key + "#" + generation + "#" + action;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  public static String idempotencyKey(LifecycleEvent event) {
    return idempotencyKey(event.key(), event.generation(), event.lifecycle().id());
  }

  public static String idempotencyKey(Notification n) {
    return idempotencyKey(n.about().key(), n.about().generation(), n.event());
  }

  public static ObjectNode payload(LifecycleEvent event) {
    return payload(Notification.of(event));
  }

  /**
   * {@code {idempotencyKey, action, resource{key, namespace, promise, name}, promise, generation,
   * plan?, size?, requester?, destinations, time?, occurredAt?}}: {@code action} is {@code
   * created}, {@code updated} or {@code deleted} (or another lifecycle event a rule bills), {@code
   * plan} and {@code size} come from the request's spec, {@code requester} is who applied it (else
   * {@code spec.requester}).
   */
  public static ObjectNode payload(Notification n) {
    LifecycleEvent event = n.about();
    ObjectNode body = EventCodec.JSON.createObjectNode();
    body.put("idempotencyKey", idempotencyKey(n));
    body.put("action", n.event());
    ObjectNode resource = body.putObject("resource");
    resource.put("key", event.key().toString());
    resource.put("namespace", event.key().namespace());
    resource.put("promise", event.key().promise());
    resource.put("name", event.key().name());
    body.put("promise", event.key().promise());
    body.put("generation", event.generation());
    JsonNode spec = n.resource() == null ? null : n.resource().get("spec");
    if (spec != null && spec.isObject()) {
      for (String field : PRICED) {
        if (spec.hasNonNull(field)) {
          body.set(field, spec.get(field).deepCopy());
        }
      }
    }
    String requester = event.status().requester();
    if (requester == null && spec != null && spec.path("requester").isTextual()) {
      requester = spec.get("requester").asText();
    }
    if (requester != null) {
      body.put("requester", requester);
    }
    Set<String> destinations = new LinkedHashSet<>();
    for (Placement p : event.status().placements()) {
      destinations.add(p.destination());
    }
    ArrayNode list = body.putArray("destinations");
    destinations.forEach(list::add);
    if (event.status().updated() != null) {
      // "time" is the name the billing API reads; "occurredAt" is kept for earlier readers.
      body.put("time", event.status().updated().toString());
      body.put("occurredAt", event.status().updated().toString());
    }
    return body;
  }
}
