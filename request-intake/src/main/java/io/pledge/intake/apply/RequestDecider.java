package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.request.ReconcileRequested;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.intake.apply.Generations.Live;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The owner's decision on one {@link RequestIntent}, against the resource's folded record: the
 * generation ({@link Generations}), the outcome or the refusal, and the events that carry it. The
 * rules are the ones a single instance applied against its view before there were owners: an
 * unknown or finished resource cannot be deleted or reconciled (404), a resource being deleted
 * cannot be reconciled (409), a second delete while one runs changes nothing.
 *
 * <p>Pure and deterministic: event ids derive from {@code seed} (the intent's position) and their
 * time is given, so an owner that decides the same intent again after an aborted transaction writes
 * the same bytes.
 */
public final class RequestDecider {

  /** The decision and the events to write, in order; no events for an unchanged REST apply. */
  public record Result(RequestDecision decision, List<CloudEvent> events) {}

  private final EventCodec codec;

  /**
   * @param codec makes the events, with request-intake's CloudEvents {@code source}
   */
  public RequestDecider(EventCodec codec) {
    this.codec = codec;
  }

  /**
   * @param current the key's folded record, null when nothing is known about the key
   * @param intent what is asked
   * @param seed unique to the intent's position, e.g. {@code <topic>-<partition>@<offset>}
   * @param time the events' time
   */
  public Result decide(ResourceRecord current, RequestIntent intent, String seed, Instant time) {
    Events events = new Events(intent, seed, time);
    ResourceRecord.Request request = current == null ? null : current.request();
    ResourceStatus status = current == null ? null : current.status();
    return switch (intent.action()) {
      case APPLY -> apply(request, status, intent, events);
      case DELETE -> delete(request, status, intent, events);
      case RECONCILE -> reconcile(request, status, intent, events);
    };
  }

  private Result apply(
      ResourceRecord.Request request, ResourceStatus status, RequestIntent intent, Events events) {
    long newest =
        Math.max(
            request == null ? 0 : request.generation(), status == null ? 0 : status.generation());
    Live live =
        request == null || request.deleted()
            ? null
            : new Live(request.generation(), request.specHash(), request.metaHash());
    Generations.Decision d = Generations.decide(live, newest, intent.specHash(), intent.metaHash());
    ObjectNode document = intent.document().deepCopy();
    ((ObjectNode) document.path("metadata")).put("generation", d.generation());
    ResourceKey key = ResourceKey.parse(intent.key());
    boolean changed = d.outcome() != Outcome.UNCHANGED;
    // An unchanged inbound request still gets its answer, an acceptance at the same generation.
    if (changed || intent.inbound()) {
      events.add(
          EventType.REQUEST_ACCEPTED,
          new RequestAccepted(key, d.generation(), intent.specHash(), "apply", intent.requester()));
    }
    if (changed) {
      events.add(
          EventType.REQUEST_APPLIED,
          new RequestApplied(key, d.generation(), intent.specHash(), document));
    }
    return events.result(
        RequestDecision.done(intent, kindOf(document), d.generation(), d.outcome()));
  }

  private Result delete(
      ResourceRecord.Request request, ResourceStatus status, RequestIntent intent, Events events) {
    if (!exists(request, status)) {
      return events.result(RequestDecision.refused(intent, 404, "No resource " + intent.key()));
    }
    String kind = kindOf(request.document());
    if (request.deleted()) {
      return events.result(
          RequestDecision.done(intent, kind, request.generation(), Outcome.UNCHANGED));
    }
    ResourceKey key = ResourceKey.parse(intent.key());
    events.add(
        EventType.REQUEST_ACCEPTED,
        new RequestAccepted(
            key, request.generation(), request.specHash(), "delete", intent.requester()));
    events.add(
        EventType.REQUEST_DELETED,
        new RequestDeleted(key, request.generation(), request.document()));
    return events.result(RequestDecision.done(intent, kind, request.generation(), Outcome.DELETED));
  }

  private Result reconcile(
      ResourceRecord.Request request, ResourceStatus status, RequestIntent intent, Events events) {
    if (!exists(request, status)) {
      return events.result(RequestDecision.refused(intent, 404, "No resource " + intent.key()));
    }
    if (request.deleted()) {
      return events.result(
          RequestDecision.refused(intent, 409, intent.key() + " is being deleted"));
    }
    ResourceKey key = ResourceKey.parse(intent.key());
    events.add(
        EventType.REQUEST_ACCEPTED,
        new RequestAccepted(
            key, request.generation(), request.specHash(), "reconcile", intent.requester()));
    events.add(
        EventType.RECONCILE_REQUESTED,
        new ReconcileRequested(key, request.generation(), "manual", request.document()));
    return events.result(
        RequestDecision.done(
            intent, kindOf(request.document()), request.generation(), Outcome.RECONCILING));
  }

  /**
   * Whether the resource is known and not gone: a deleted request counts while its delete is in
   * progress (the view's rule, {@code IntakeView.exists}).
   */
  static boolean exists(ResourceRecord.Request request, ResourceStatus status) {
    if (request == null) {
      return false;
    }
    if (!request.deleted()) {
      return true;
    }
    return status != null && status.deleting() && !status.deleted();
  }

  private static String kindOf(JsonNode document) {
    return document.path("kind").asText();
  }

  /** The events of one decision, with ids derived from the intent's position. */
  private final class Events {
    private final RequestIntent intent;
    private final String seed;
    private final Instant time;
    private final List<CloudEvent> list = new ArrayList<>();

    Events(RequestIntent intent, String seed, Instant time) {
      this.intent = intent;
      this.seed = seed;
      this.time = time;
    }

    void add(EventType type, Object data) {
      String id =
          UUID.nameUUIDFromBytes((seed + "#" + list.size()).getBytes(StandardCharsets.UTF_8))
              .toString();
      CloudEvent event = codec.event(type, intent.key(), data, id, time);
      list.add(intent.inbound() ? event.withCorrelationId(intent.inboundId()) : event);
    }

    Result result(RequestDecision decision) {
      return new Result(decision, List.copyOf(list));
    }
  }
}
