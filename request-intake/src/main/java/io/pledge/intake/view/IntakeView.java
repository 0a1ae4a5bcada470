package io.pledge.intake.view;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationDeleted;
import io.pledge.contract.destination.DestinationReadiness;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.notification.NotificationPolicyDeleted;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.promise.PromiseDeleted;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.contract.status.ResourceStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * What request-intake knows: Promises, Destinations and state stores, NotificationPolicies (from
 * their compacted topics), and per resource or Promise its {@link ResourceRecord}: the last
 * accepted request and the status, as the resource owner folded them into {@code pledge.resources}.
 * Nothing here replays {@code pledge.requests} or {@code pledge.status}. Safe for concurrent use by
 * the reading thread and request threads.
 *
 * <p>An event this service publishes must be visible to the next request at once, before the owner
 * has folded it. A table event (Promise, Destination, policy) is applied right after the broker
 * acknowledges it and again when the table is read back; {@link #expectOwn} marks its id first, and
 * whichever path comes first applies it. A request or status event goes on top of the key's folded
 * record until the owner has folded it ({@link ResourceRecords}).
 */
public final class IntakeView {

  private static final Logger LOG = Logger.getLogger(IntakeView.class);

  private final boolean rejectUnknownFields;
  private final Map<String, PromiseEntry> promises = new ConcurrentHashMap<>();
  private final Map<String, Long> deletedPromiseGenerations = new ConcurrentHashMap<>();
  private final Map<String, DestinationApplied> destinations = new ConcurrentHashMap<>();
  private final Map<String, DestinationReadiness> readiness = new ConcurrentHashMap<>();
  private final Map<String, PolicyEntry> policies = new ConcurrentHashMap<>();
  private final Map<String, Long> deletedPolicyGenerations = new ConcurrentHashMap<>();
  private final Map<String, Boolean> ownEvents = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final ResourceRecords resources = new ResourceRecords(this::notify);

  public IntakeView(boolean rejectUnknownFields) {
    this.rejectUnknownFields = rejectUnknownFields;
  }

  public boolean rejectUnknownFields() {
    return rejectUnknownFields;
  }

  /** Marks {@code event} as published by this instance, before it is sent. */
  public void expectOwn(CloudEvent event) {
    if (isTableEvent(event)) {
      ownEvents.put(event.id(), Boolean.FALSE);
    }
  }

  /** An event of the Promise, Destination or policy tables, which this view reads back itself. */
  private static boolean isTableEvent(CloudEvent event) {
    return event.eventType().map(IntakeView::isTableType).orElse(false);
  }

  /** A type of the Promise, Destination (and state store) or policy tables. */
  public static boolean isTableType(EventType type) {
    return switch (type) {
      case PROMISE_APPLIED,
              PROMISE_DELETED,
              DESTINATION_APPLIED,
              DESTINATION_DELETED,
              NOTIFICATION_POLICY_APPLIED,
              NOTIFICATION_POLICY_DELETED ->
          true;
      default -> false;
    };
  }

  /** Forgets an own event whose publication failed; if it lands anyway, replay applies it. */
  public void forgetOwn(CloudEvent event) {
    ownEvents.remove(event.id());
  }

  /**
   * Applies an event this instance published, once the broker acknowledged it at {@code offset} of
   * {@code topic}.
   */
  public void applyOwn(CloudEvent event, String topic, long offset) {
    if (isTableEvent(event)) {
      applyOnce(event);
      return;
    }
    // Not keyed (a reconcile): not part of this view.
    ResourceFold.keyOf(event).ifPresent(key -> resources.own(key, event, topic, offset));
  }

  /**
   * Applies an event read from a table topic. A request or status event is folded into its key's
   * record here, as the owner would fold it: for views that have no owner behind them.
   */
  public void applyReplayed(CloudEvent event) {
    if (isTableEvent(event)) {
      applyOnce(event);
      return;
    }
    // Not keyed: a type this version does not know, or one not part of this view.
    ResourceFold.keyOf(event).ifPresent(key -> resources.fold(key, event));
  }

  /** Takes the owner's newest record of its key (see {@link ResourceRecords#folded}). */
  public void applyFolded(ResourceRecord record) {
    resources.folded(record);
  }

  /** A compaction tombstone on {@code pledge.resources}: the owner forgot the key. */
  public void foldedTombstone(String key) {
    resources.tombstone(key);
  }

  /** Own events of {@code key} the owner has not folded yet (for diagnostics and tests). */
  public int pendingOwnEvents(String key) {
    return resources.pendingEvents(key);
  }

  private void applyOnce(CloudEvent event) {
    if (!ownEvents.containsKey(event.id())) {
      apply(event);
      return;
    }
    ownEvents.compute(
        event.id(),
        (id, applied) -> {
          if (applied == null || !applied) {
            apply(event);
            return Boolean.TRUE;
          }
          return null; // both paths have seen it
        });
  }

  private void apply(CloudEvent event) {
    EventType type = event.eventType().orElse(null);
    if (type == null) {
      return; // a type this version does not know: nothing to fold
    }
    switch (type) {
      case PROMISE_APPLIED -> promiseApplied(EventCodec.data(event, PromiseApplied.class));
      case PROMISE_DELETED -> promiseDeleted(EventCodec.data(event, PromiseDeleted.class));
      case DESTINATION_APPLIED -> {
        DestinationApplied d = EventCodec.data(event, DestinationApplied.class);
        destinations.put(DestinationApplied.key(d.kind(), d.name()), d);
      }
      case DESTINATION_DELETED -> {
        DestinationDeleted d = EventCodec.data(event, DestinationDeleted.class);
        destinations.remove(DestinationApplied.key(d.kind(), d.name()));
      }
      case NOTIFICATION_POLICY_APPLIED ->
          policyApplied(EventCodec.data(event, NotificationPolicyApplied.class));
      case NOTIFICATION_POLICY_DELETED ->
          policyDeleted(EventCodec.data(event, NotificationPolicyDeleted.class).name());
      default -> {
        // requests and status are folded by the owner; the rest is not part of this view
      }
    }
  }

  private void promiseApplied(PromiseApplied p) {
    PromiseEntry entry;
    try {
      entry = PromiseEntry.of(p.name(), p.generation(), p.promise(), rejectUnknownFields);
    } catch (IllegalArgumentException e) {
      LOG.warnf("Promise %s generation %d is unreadable: %s", p.name(), p.generation(), e);
      return;
    }
    if (entry.schemaError() != null) {
      LOG.warnf("Promise %s has an unusable API schema: %s", p.name(), entry.schemaError());
    }
    promises.merge(p.name(), entry, (old, neu) -> neu.generation() >= old.generation() ? neu : old);
    deletedPromiseGenerations.remove(p.name());
    notify(p.name());
  }

  /** A compaction tombstone on the Promise topic: the Promise is gone. */
  public void promiseTombstone(String name) {
    promiseDeleted(new PromiseDeleted(name));
  }

  /**
   * A Destination's or state store's readiness as state-writer last found it; null when the object
   * is gone.
   */
  public void readiness(String key, DestinationReadiness readiness) {
    if (key == null) {
      return;
    }
    if (readiness == null) {
      this.readiness.remove(key);
    } else {
      this.readiness.put(key, readiness);
    }
    notify(key);
  }

  /** The readiness of a Destination (key = name) or state store ({@code <Kind>/<name>}). */
  public Optional<DestinationReadiness> readiness(String key) {
    return Optional.ofNullable(readiness.get(key));
  }

  /** A compaction tombstone on the Destination topic. */
  public void destinationTombstone(String key) {
    destinations.remove(key);
    notify(key);
  }

  private void promiseDeleted(PromiseDeleted p) {
    PromiseEntry old = promises.remove(p.name());
    if (old != null) {
      deletedPromiseGenerations.merge(p.name(), old.generation(), Math::max);
    }
    notify(p.name());
  }

  private void policyApplied(NotificationPolicyApplied p) {
    PolicyEntry entry = PolicyEntry.of(p.name(), p.generation(), p.policy());
    policies.merge(p.name(), entry, (old, neu) -> neu.generation() >= old.generation() ? neu : old);
    deletedPolicyGenerations.remove(p.name());
  }

  private void policyDeleted(String name) {
    PolicyEntry old = policies.remove(name);
    if (old != null) {
      deletedPolicyGenerations.merge(name, old.generation(), Math::max);
    }
  }

  /**
   * A compaction tombstone on the policy topic: the policy is gone, and so is what its generation
   * was.
   */
  public void policyTombstone(String name) {
    policies.remove(name);
    deletedPolicyGenerations.remove(name);
  }

  private void notify(String key) {
    for (Consumer<String> listener : listeners) {
      try {
        listener.accept(key);
      } catch (RuntimeException e) {
        LOG.debugf(e, "a view listener failed for %s", key);
      }
    }
  }

  /** Calls {@code listener} with the key of everything that changes from now on. */
  public void addListener(Consumer<String> listener) {
    listeners.add(listener);
  }

  public void removeListener(Consumer<String> listener) {
    listeners.remove(listener);
  }

  public Optional<PromiseEntry> promise(String name) {
    return Optional.ofNullable(promises.get(name));
  }

  /** Every known Promise, by name. */
  public List<PromiseEntry> promises() {
    return promises.values().stream().sorted(Comparator.comparing(PromiseEntry::name)).toList();
  }

  /** The generation a deleted Promise had, so a re-created one continues after it. */
  public long deletedPromiseGeneration(String name) {
    return deletedPromiseGenerations.getOrDefault(name, 0L);
  }

  /** The Promise whose API serves {@code apiVersion} and {@code kind}. */
  public Optional<PromiseEntry> promiseOffering(String apiVersion, String kind) {
    return promises.values().stream()
        .filter(p -> p.servedVersion(apiVersion, kind).isPresent())
        .findFirst();
  }

  /** A Destination (key = name) or state store (key = {@code <Kind>/<name>}). */
  public Optional<DestinationApplied> destination(String key) {
    return Optional.ofNullable(destinations.get(key));
  }

  public List<DestinationApplied> destinations() {
    return destinations.values().stream()
        .sorted(
            Comparator.comparing(DestinationApplied::kind).thenComparing(DestinationApplied::name))
        .toList();
  }

  public Optional<PolicyEntry> policy(String name) {
    return Optional.ofNullable(policies.get(name));
  }

  /** Every NotificationPolicy, by name. */
  public List<PolicyEntry> policies() {
    return policies.values().stream().sorted(Comparator.comparing(PolicyEntry::name)).toList();
  }

  /** The generation a deleted NotificationPolicy had, so a re-created one continues after it. */
  public long deletedPolicyGeneration(String name) {
    return deletedPolicyGenerations.getOrDefault(name, 0L);
  }

  public Optional<RequestState> request(ResourceKey key) {
    return Optional.ofNullable(resources.get(key.toString()))
        .map(ResourceRecord::request)
        .map(r -> requestState(key, r));
  }

  private static RequestState requestState(ResourceKey key, ResourceRecord.Request r) {
    return new RequestState(
        key, r.generation(), r.specHash(), r.metaHash(), r.document(), r.deleted());
  }

  /** The requests of one Promise in one namespace (any namespace when null), deleted included. */
  public List<RequestState> requests(String namespace, String promise) {
    return requestsWhere(
        k -> (namespace == null || k.namespace().equals(namespace)) && k.promise().equals(promise));
  }

  /** The requests of every Promise in one namespace, deleted included. */
  public List<RequestState> requestsIn(String namespace) {
    return requestsWhere(k -> k.namespace().equals(namespace));
  }

  /** The live requests (not deleted) whose document carries the label {@code name=value}. */
  public List<RequestState> requestsLabelled(String name, String value) {
    return requestsWhere(k -> true).stream()
        .filter(r -> !r.deleted())
        .filter(r -> value.equals(r.document().path("metadata").path("labels").path(name).asText()))
        .toList();
  }

  /** The requests whose key {@code wanted} accepts, deleted included, in key order. */
  public List<RequestState> requestsWhere(Predicate<ResourceKey> wanted) {
    List<RequestState> found = new ArrayList<>();
    for (ResourceRecord r : resources.all()) {
      if (r.request() == null) {
        continue; // a Promise's record, or a key only status was seen for
      }
      ResourceKey key = ResourceKey.parse(r.key());
      if (wanted.test(key)) {
        found.add(requestState(key, r.request()));
      }
    }
    found.sort(Comparator.comparing(r -> r.key().toString()));
    return found;
  }

  /** The folded status of a resource key or Promise name, if any event was seen for it. */
  public Optional<ResourceStatus> status(String key) {
    return Optional.ofNullable(resources.get(key)).map(ResourceRecord::status);
  }

  /** The newest generation known for a resource, from its request or its status. */
  public long lastGeneration(ResourceKey key) {
    long fromRequest = request(key).map(RequestState::generation).orElse(0L);
    long fromStatus = status(key.toString()).map(ResourceStatus::generation).orElse(0L);
    return Math.max(fromRequest, fromStatus);
  }

  /** Whether the resource is known and has not been deleted (a delete may be in progress). */
  public boolean exists(ResourceKey key) {
    Optional<RequestState> request = request(key);
    if (request.isEmpty()) {
      return false;
    }
    Optional<ResourceStatus> status = status(key.toString());
    if (!request.get().deleted()) {
      return true;
    }
    // Deleted at the request level: visible while its delete is in progress.
    return status.map(s -> s.deleting() && !s.deleted()).orElse(false);
  }
}
