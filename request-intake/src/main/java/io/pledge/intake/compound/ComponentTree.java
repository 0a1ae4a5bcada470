package io.pledge.intake.compound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.work.ComponentSet;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.RequestState;
import io.pledge.intake.view.StatusRenderer;
import java.util.List;
import java.util.Optional;

/**
 * Compound Promises: the requests a request's workflow asked for through the platform, and theirs
 * in turn, found by Kratix's parent labels; shown as {@code status.pledge.components} of a single
 * request and as the tree of {@code pledge describe}.
 */
public final class ComponentTree {

  /** Deeper than any chain the cycle check lets through in practice; guards a hand-made loop. */
  private static final int MAX_DEPTH = 8;

  private ComponentTree() {}

  /** The components of {@code parent}, each with its own; empty when it has none. */
  public static ArrayNode of(ResourceKey parent, IntakeView view) {
    return of(parent, view, 0);
  }

  private static ArrayNode of(ResourceKey parent, IntakeView view, int depth) {
    ArrayNode components = JsonNodeFactory.instance.arrayNode();
    // Components come only from a platform Destination: without a placement on one, there is
    // nothing to look for, and every GET of a request would otherwise read every request.
    if (depth >= MAX_DEPTH || !placedOnPlatform(parent, view)) {
      return components;
    }
    for (RequestState child :
        view.requestsLabelled(ComponentSet.PARENT_NAME_LABEL, parent.name())) {
      var labels = child.document().path("metadata").path("labels");
      if (!parent.namespace().equals(labels.path(ComponentSet.PARENT_NAMESPACE_LABEL).asText())
          || !parent.promise().equals(labels.path(ComponentSet.PARENT_PROMISE_LABEL).asText())) {
        continue;
      }
      ResourceStatus status = view.status(child.key().toString()).orElse(null);
      String[] row = StatusRenderer.row(child, status);
      ObjectNode c = components.addObject();
      c.put("promise", child.key().promise());
      c.put("apiVersion", child.document().path("apiVersion").asText());
      c.put("kind", child.document().path("kind").asText());
      c.put("namespace", child.key().namespace());
      c.put("name", child.key().name());
      c.put("generation", child.generation());
      c.put("message", row[1]);
      c.put("status", row[2]);
      ArrayNode grandchildren = of(child.key(), view, depth + 1);
      if (!grandchildren.isEmpty()) {
        c.set("components", grandchildren);
      }
    }
    return components;
  }

  /** Whether any Work of {@code key} has a group on a Destination that is the platform. */
  private static boolean placedOnPlatform(ResourceKey key, IntakeView view) {
    return view.status(key.toString()).map(ResourceStatus::placements).orElse(List.of()).stream()
        .map(
            p ->
                view.destination(
                    DestinationApplied.key(DestinationApplied.DESTINATION, p.destination())))
        .flatMap(Optional::stream)
        .anyMatch(
            d -> {
              JsonNode labels = d.document().path("metadata").path("labels");
              return "true".equals(labels.path(ComponentSet.PLATFORM_LABEL).asText());
            });
  }
}
