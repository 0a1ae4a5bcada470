package io.pledge.intake.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.contract.status.StatusFold;
import java.util.Optional;

/**
 * Folds one event of {@code pledge.requests} or {@code pledge.status} into the {@link
 * ResourceRecord} of its key: a pure function of the record and the event, so replaying the same
 * events always gives the same records. It keeps what {@link io.pledge.intake.view.IntakeView}
 * keeps per resource, by the same rules: the request with the newest generation (a delete marks it
 * deleted), and the status as {@link StatusFold} computes it.
 */
public final class ResourceFold {

  private ResourceFold() {}

  /**
   * The key {@code event} belongs to: a request's resource key, a status event's subject. Empty for
   * an event this fold ignores.
   */
  public static Optional<String> keyOf(CloudEvent event) {
    EventType type = event.eventType().orElse(null);
    if (type == null) {
      return Optional.empty(); // a type this version does not know: nothing to fold
    }
    return switch (type) {
      case REQUEST_APPLIED ->
          Optional.of(EventCodec.data(event, RequestApplied.class).key().toString());
      case REQUEST_DELETED ->
          Optional.of(EventCodec.data(event, RequestDeleted.class).key().toString());
      case RECONCILE_REQUESTED,
              WORK_UPSERTED,
              WORK_WITHDRAWN,
              PIPELINE_LOG,
              PROMISE_APPLIED,
              PROMISE_DELETED,
              DESTINATION_APPLIED,
              DESTINATION_DELETED,
              NOTIFICATION_POLICY_APPLIED,
              NOTIFICATION_POLICY_DELETED,
              RESOURCE_FOLDED ->
          Optional.empty();
      default -> Optional.ofNullable(event.subject());
    };
  }

  /**
   * The record of {@code key} after {@code event}; {@code current} itself when the event changes
   * nothing. {@code current} is null for a key seen for the first time.
   */
  public static ResourceRecord apply(ResourceRecord current, String key, CloudEvent event) {
    ResourceRecord base = current == null ? ResourceRecord.empty(key) : current;
    EventType type = event.eventType().orElse(null);
    if (type == null) {
      return base;
    }
    ResourceRecord next =
        switch (type) {
          case REQUEST_APPLIED -> applied(base, EventCodec.data(event, RequestApplied.class));
          case REQUEST_DELETED -> deleted(base, EventCodec.data(event, RequestDeleted.class));
          default ->
              keyOf(event).isPresent()
                  ? base.withStatus(StatusFold.apply(base.status(), event))
                  : base;
        };
    return next.equals(current) ? current : next;
  }

  private static ResourceRecord applied(ResourceRecord base, RequestApplied r) {
    JsonNode doc = r.resource();
    String specHash = r.specHash() == null ? Hashes.spec(doc) : r.specHash();
    ResourceRecord.Request neu =
        new ResourceRecord.Request(r.generation(), specHash, Hashes.meta(doc), doc, false);
    ResourceRecord.Request old = base.request();
    boolean newer =
        old == null
            || RequestOrder.applyReplaces(neu.generation(), old.generation(), old.deleted());
    return newer ? base.withRequest(neu) : base;
  }

  private static ResourceRecord deleted(ResourceRecord base, RequestDeleted r) {
    ResourceRecord.Request old = base.request();
    if (old == null) {
      JsonNode doc = r.resource();
      return base.withRequest(
          new ResourceRecord.Request(
              r.generation(), Hashes.spec(doc), Hashes.meta(doc), doc, true));
    }
    if (!RequestOrder.deleteApplies(r.generation(), old.generation())) {
      return base;
    }
    return base.withRequest(
        new ResourceRecord.Request(
            Math.max(old.generation(), r.generation()),
            old.specHash(),
            old.metaHash(),
            old.document(),
            true));
  }
}
