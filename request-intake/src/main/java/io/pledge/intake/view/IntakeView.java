package io.pledge.intake.view;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationDeleted;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.notification.NotificationPolicyDeleted;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.promise.PromiseDeleted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.StatusFold;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * What request-intake knows, folded from the events it replays and publishes: Promises,
 * Destinations and state stores, NotificationPolicies, the last accepted request per resource, and
 * the status of every resource and Promise. Safe for concurrent use by the replay thread and
 * request threads.
 *
 * <p>An event this service publishes is applied twice over: right after the broker acknowledges it
 * (so the next request sees it) and again when the replay reads it back. {@link #expectOwn} marks
 * its id first, and whichever path comes first applies it; the other skips it.
 */
public final class IntakeView {

  private static final Logger LOG = Logger.getLogger(IntakeView.class);

  private final boolean rejectUnknownFields;
  private final Map<String, PromiseEntry> promises = new ConcurrentHashMap<>();
  private final Map<String, Long> deletedPromiseGenerations = new ConcurrentHashMap<>();
  private final Map<String, DestinationApplied> destinations = new ConcurrentHashMap<>();
  private final Map<String, PolicyEntry> policies = new ConcurrentHashMap<>();
  private final Map<String, Long> deletedPolicyGenerations = new ConcurrentHashMap<>();
  private final Map<ResourceKey, RequestState> requests = new ConcurrentHashMap<>();
  private final Map<String, ResourceStatus> statuses = new ConcurrentHashMap<>();
  private final Map<String, Boolean> ownEvents = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  public IntakeView(boolean rejectUnknownFields) {
    this.rejectUnknownFields = rejectUnknownFields;
  }

  public boolean rejectUnknownFields() {
    return rejectUnknownFields;
  }

  /** Marks {@code event} as published by this instance, before it is sent. */
  public void expectOwn(CloudEvent event) {
    ownEvents.put(event.id(), Boolean.FALSE);
  }

  /** Forgets an own event whose publication failed; if it lands anyway, replay applies it. */
  public void forgetOwn(CloudEvent event) {
    ownEvents.remove(event.id());
  }

  /** Applies an event this instance published, once the broker acknowledged it. */
  public void applyOwn(CloudEvent event) {
    applyOnce(event);
  }

  /** Applies an event read from a topic. Unreadable events are logged and skipped. */
  public void applyReplayed(CloudEvent event) {
    applyOnce(event);
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
      case REQUEST_APPLIED -> requestApplied(EventCodec.data(event, RequestApplied.class));
      case REQUEST_DELETED -> requestDeleted(EventCodec.data(event, RequestDeleted.class));
      case RECONCILE_REQUESTED, WORK_UPSERTED, WORK_WITHDRAWN, PIPELINE_LOG -> {
        // not part of this view
      }
      default -> fold(event);
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

  private void requestApplied(RequestApplied r) {
    RequestState neu = RequestState.applied(r.key(), r.generation(), r.specHash(), r.resource());
    requests.merge(
        r.key(),
        neu,
        (old, n) ->
            RequestOrder.applyReplaces(n.generation(), old.generation(), old.deleted()) ? n : old);
    notify(r.key().toString());
  }

  private void requestDeleted(RequestDeleted r) {
    requests.compute(
        r.key(),
        (k, old) -> {
          if (old == null) {
            return RequestState.applied(k, r.generation(), null, r.resource())
                .asDeleted(r.generation());
          }
          return RequestOrder.deleteApplies(r.generation(), old.generation())
              ? old.asDeleted(r.generation())
              : old;
        });
    notify(r.key().toString());
  }

  private void fold(CloudEvent event) {
    if (event.subject() == null) {
      return;
    }
    statuses.compute(event.subject(), (k, s) -> StatusFold.apply(s, event));
    notify(event.subject());
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
    return Optional.ofNullable(requests.get(key));
  }

  /** The requests of one Promise in one namespace (any namespace when null), deleted included. */
  public List<RequestState> requests(String namespace, String promise) {
    return requests.values().stream()
        .filter(r -> namespace == null || r.key().namespace().equals(namespace))
        .filter(r -> r.key().promise().equals(promise))
        .sorted(Comparator.comparing(r -> r.key().toString()))
        .toList();
  }

  /** The requests of every Promise in one namespace, deleted included. */
  public List<RequestState> requestsIn(String namespace) {
    return requests.values().stream()
        .filter(r -> r.key().namespace().equals(namespace))
        .sorted(Comparator.comparing(r -> r.key().toString()))
        .toList();
  }

  /** The folded status of a resource key or Promise name, if any event was seen for it. */
  public Optional<ResourceStatus> status(String key) {
    return Optional.ofNullable(statuses.get(key));
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
