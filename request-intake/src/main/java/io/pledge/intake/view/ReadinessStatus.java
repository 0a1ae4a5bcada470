package io.pledge.intake.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationReadiness;

/**
 * A Destination's or state store's {@code status} as Kratix shows it, from state-writer's
 * readiness: a {@code Ready} condition, and for a state store also {@code status: Ready|NotReady}
 * and {@code observedGeneration}. Pure.
 */
public final class ReadinessStatus {

  private ReadinessStatus() {}

  /** The document with its status; the document as it is while nothing is known yet. */
  public static JsonNode withStatus(JsonNode document, DestinationReadiness readiness) {
    if (readiness == null || !(document instanceof ObjectNode object)) {
      return document;
    }
    ObjectNode copy = object.deepCopy();
    copy.set("status", status(readiness));
    return copy;
  }

  public static ObjectNode status(DestinationReadiness r) {
    ObjectNode status = JsonNodeFactory.instance.objectNode();
    if (!DestinationApplied.DESTINATION.equals(r.kind())) {
      status.put("status", r.ready() ? "Ready" : "NotReady");
      status.put("observedGeneration", r.observedGeneration());
    }
    ObjectNode ready = status.putArray("conditions").addObject();
    ready.put("type", "Ready");
    ready.put("status", r.ready() ? "True" : "False");
    ready.put("observedGeneration", r.observedGeneration());
    if (r.since() != null) {
      ready.put("lastTransitionTime", r.since().toString());
    }
    ready.put("reason", r.reason());
    ready.put("message", r.message());
    return status;
  }
}
