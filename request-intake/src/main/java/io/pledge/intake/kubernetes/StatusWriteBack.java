package io.pledge.intake.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.event.EventCodec;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PromiseRequirements;
import io.pledge.intake.view.ReadinessStatus;
import io.pledge.intake.view.RequestState;
import io.pledge.intake.view.StatusRenderer;
import io.pledge.intake.view.ViewReadiness;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Writes Pledge's view of each watched object back into its status subresource: a request's or
 * Promise's Kratix status, a Destination's or state store's Ready condition, and why Pledge refused
 * an object it could not take. Writes only what differs from what the object shows.
 */
final class StatusWriteBack {

  private static final Logger LOG = Logger.getLogger(StatusWriteBack.class);

  /** The watcher's informers, as they are at the moment of a write. */
  interface Informers {
    /** The Promise informer; null while not leading. */
    Watched promises();

    /** The informer of {@code promise}'s request kind; null when none is watched. */
    Watched requests(String promise);

    /** The informer of a Destination or state store kind; null while not leading. */
    Watched platform(String kind);
  }

  private final IntakeView view;
  private final ViewReadiness readiness;
  private final boolean enabled;
  private final Informers informers;
  private final Supplier<ClusterWriter> writer;
  private final Map<String, JsonNode> rejections = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();

  /**
   * @param enabled whether statuses are written at all
   * @param writer the cluster writer of the current client
   */
  StatusWriteBack(
      IntakeView view,
      ViewReadiness readiness,
      boolean enabled,
      Informers informers,
      Supplier<ClusterWriter> writer) {
    this.view = view;
    this.readiness = readiness;
    this.enabled = enabled;
    this.informers = informers;
    this.writer = writer;
  }

  /** Pledge took the object {@code key}: its status no longer says it was refused. */
  void accepted(String key) {
    rejections.remove(key);
  }

  /** Pledge refused the object {@code key} with {@code problem}: its status says why. */
  void rejected(String key, JsonNode problem) {
    rejections.put(key, problem);
  }

  /** How many status writes changed an object. */
  long writes() {
    return writes.get();
  }

  /** Writes the status of the object {@code key} names, if it is watched and shows another. */
  void write(String key) {
    if (!enabled) {
      return;
    }
    if (!readiness.ready()) {
      throw new RetryLater(); // a half-replayed view would write a status from the past
    }
    if (!ResourceKey.isResourceKey(key)) {
      int slash = key.indexOf('/');
      writePlatformStatus(
          slash < 0 ? DestinationApplied.DESTINATION : key.substring(0, slash),
          key.substring(slash + 1));
      if (slash >= 0) {
        return; // a state store
      }
    }
    Watched watched;
    String cacheKey;
    JsonNode desired;
    if (ResourceKey.isResourceKey(key)) {
      ResourceKey resource = ResourceKey.parse(key);
      watched = informers.requests(resource.promise());
      cacheKey = KubernetesObjects.cacheKey(resource.namespace(), resource.name());
      Optional<RequestState> request = view.request(resource).filter(r -> view.exists(resource));
      desired =
          request
              .map(r -> StatusRenderer.resource(r, view.status(key).orElse(null)).get("status"))
              .orElse(null);
    } else {
      watched = informers.promises();
      cacheKey = key;
      desired =
          view.promise(key)
              .map(
                  p ->
                      StatusRenderer.promise(
                              p, view.status(key).orElse(null), PromiseRequirements.of(p, view))
                          .get("status"))
              .orElse(null);
    }
    if (watched == null) {
      return;
    }
    GenericKubernetesResource obj = watched.informer().getStore().getByKey(cacheKey);
    if (obj == null || obj.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    JsonNode rejection = rejections.get(key);
    if (rejection != null) {
      ObjectNode withRejection =
          desired == null ? EventCodec.JSON.createObjectNode() : (ObjectNode) desired.deepCopy();
      withRejection.put("message", "Rejected: " + rejection.path("detail").asText());
      withRejection.withObjectProperty("pledge").set("rejection", rejection);
      desired = withRejection;
    }
    if (desired == null) {
      return;
    }
    updateStatus(key, watched, obj, desired);
  }

  /**
   * A Destination's or state store's Ready condition, as state-writer last found it; when Pledge
   * refused the object, a Ready condition that says why.
   */
  private void writePlatformStatus(String kind, String name) {
    Watched watched = informers.platform(kind);
    GenericKubernetesResource obj =
        watched == null ? null : watched.informer().getStore().getByKey(name);
    if (obj == null || obj.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String key = DestinationApplied.key(kind, name);
    JsonNode rejection = rejections.get(key);
    Optional<DestinationReadiness> readiness =
        rejection == null
            ? view.readiness(key)
            : Optional.of(
                new DestinationReadiness(
                    kind,
                    name,
                    obj.getMetadata().getGeneration() == null
                        ? 0
                        : obj.getMetadata().getGeneration(),
                    false,
                    "Rejected",
                    KubernetesObjects.rejectionMessage(rejection),
                    rejectedSince(obj)));
    if (readiness.isPresent()) {
      updateStatus(key, watched, obj, ReadinessStatus.status(readiness.get()));
    }
  }

  /**
   * When the object's Ready condition turned False, so that writing the same rejection again
   * changes nothing (no write churn); now when it was not False before.
   */
  private static Instant rejectedSince(GenericKubernetesResource obj) {
    JsonNode conditions =
        EventCodec.JSON.valueToTree(obj.getAdditionalProperties().get("status")).path("conditions");
    for (JsonNode c : conditions) {
      if ("Ready".equals(c.path("type").asText()) && "False".equals(c.path("status").asText())) {
        try {
          return Instant.parse(c.path("lastTransitionTime").asText());
        } catch (java.time.format.DateTimeParseException e) {
          break;
        }
      }
    }
    return Instant.now();
  }

  /** Writes {@code desired} into the object's status subresource unless it already shows it. */
  private void updateStatus(
      String key, Watched watched, GenericKubernetesResource obj, JsonNode desired) {
    JsonNode current = EventCodec.JSON.valueToTree(obj.getAdditionalProperties().get("status"));
    if (KubernetesObjects.sameStatus(current, desired)) {
      return;
    }
    if (writer.get().updateStatus(watched.context(), obj, desired)) {
      writes.incrementAndGet();
      LOG.debugf("Wrote the status of %s: %s", key, desired.path("message").asText());
    }
  }
}
