package io.pledge.notifier.billing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.work.Placement;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/** The billing API call for a lifecycle event: its JSON body and its idempotency key. */
public final class BillingEvent {

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

  /**
   * {@code {idempotencyKey, action, resource{key, namespace, promise, name}, generation, requester,
   * destinations, occurredAt}}.
   */
  public static ObjectNode payload(LifecycleEvent event) {
    ObjectNode body = EventCodec.JSON.createObjectNode();
    body.put("idempotencyKey", idempotencyKey(event));
    body.put("action", event.lifecycle().id());
    ObjectNode resource = body.putObject("resource");
    resource.put("key", event.key().toString());
    resource.put("namespace", event.key().namespace());
    resource.put("promise", event.key().promise());
    resource.put("name", event.key().name());
    body.put("generation", event.generation());
    if (event.status().requester() != null) {
      body.put("requester", event.status().requester());
    }
    Set<String> destinations = new LinkedHashSet<>();
    for (Placement p : event.status().placements()) {
      destinations.add(p.destination());
    }
    ArrayNode list = body.putArray("destinations");
    destinations.forEach(list::add);
    if (event.status().updated() != null) {
      body.put("occurredAt", event.status().updated().toString());
    }
    return body;
  }
}
