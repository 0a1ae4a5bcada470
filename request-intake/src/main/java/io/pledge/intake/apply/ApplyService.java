package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.destination.DestinationDeleted;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.notification.NotificationPolicyDeleted;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.promise.PromiseDeleted;
import io.pledge.intake.apply.Change.DestinationChange;
import io.pledge.intake.apply.Change.PolicyChange;
import io.pledge.intake.apply.Change.PromiseChange;
import io.pledge.intake.apply.Change.RequestChange;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.publish.DefinitionFence;
import io.pledge.intake.publish.EventPublisher;
import io.pledge.intake.view.Hashes;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PolicyEntry;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.RequestState;
import io.pledge.intake.view.ViewReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Applies, deletes and reconciles: plans against the view (all documents valid, or nothing
 * happens), then carries out each change in document order. Promises, Destinations and policies are
 * published from here under the {@link DefinitionFence}, one transaction per body; resource
 * requests go to the owner of their key ({@link RequestSequencer}), which decides their generation
 * and writes their events, so any number of instances may accept requests at once. See DESIGN.md
 * for the ordering and locking.
 */
@ApplicationScoped
public class ApplyService {

  private static final Logger LOG = Logger.getLogger(ApplyService.class);

  private final IntakeView view;
  private final EventPublisher publisher;
  private final IntakeConfig config;
  private final ViewReadiness readiness;
  private final RequestSequencer sequencer;
  private final DefinitionFence fence;
  private final KeyLocks locks = new KeyLocks(256);

  ApplyService(
      IntakeView view,
      EventPublisher publisher,
      IntakeConfig config,
      ViewReadiness readiness,
      RequestSequencer sequencer,
      DefinitionFence fence) {
    this.view = view;
    this.fence = fence;
    this.publisher = publisher;
    this.config = config;
    this.readiness = readiness;
    this.sequencer = sequencer;
  }

  /**
   * Applies every document, or none.
   *
   * @return one line per document
   * @throws ProblemException when any document is invalid (nothing is published)
   */
  public List<AppliedObject> apply(List<JsonNode> documents, Origin origin) {
    requireReady();
    Set<String> keys = ApplyPlanner.lockKeys(documents, view, config.defaultNamespace());
    Set<String> promises = ApplyPlanner.requestPromiseLockKeys(documents, view);
    boolean definitions = ApplyPlanner.definesPlatform(documents);
    return locks.withLocks(
        keys,
        promises,
        () ->
            definitions
                ? fence.run(() -> carryOut(documents, origin))
                : carryOut(documents, origin));
  }

  /** Plans the documents against the view, then carries out each change in document order. */
  private List<AppliedObject> carryOut(List<JsonNode> documents, Origin origin) {
    List<Change> changes = ApplyPlanner.plan(documents, view, config.defaultNamespace());
    List<AppliedObject> applied = new ArrayList<>();
    List<RequestChange> requests = new ArrayList<>();
    for (Change change : changes) {
      if (change instanceof RequestChange r) {
        requests.add(r);
        continue;
      }
      // Requests before a Promise in the body are decided before it is published.
      applied.addAll(applyRequests(requests, origin));
      requests.clear();
      applied.add(publish(change, origin));
    }
    applied.addAll(applyRequests(requests, origin));
    return applied;
  }

  /** The event subject of a document's outcome, when the document names one. */
  public Optional<String> subjectOf(JsonNode document) {
    return ApplyPlanner.subjectOf(document, view, config.defaultNamespace());
  }

  /**
   * The owners of the requests' keys decide their generations and write their events, all sent at
   * once (a body of many documents waits for one owner commit, not one per document); the planned
   * generations and outcomes were this instance's guess only.
   */
  private List<AppliedObject> applyRequests(List<RequestChange> requests, Origin origin) {
    if (requests.isEmpty()) {
      return List.of();
    }
    List<RequestIntent> intents =
        requests.stream()
            .map(
                r ->
                    new RequestIntent(
                        UUID.randomUUID().toString(),
                        RequestIntent.Action.APPLY,
                        r.key().toString(),
                        origin.requester(),
                        origin.correlationId(),
                        r.resource(),
                        r.specHash(),
                        Hashes.meta(r.resource())))
            .toList();
    List<RequestDecision> decisions = sequencer.decideAll(intents);
    List<AppliedObject> applied = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      ResourceKey key = requests.get(i).key();
      RequestDecision d = decisions.get(i);
      withContext(
          key,
          d.generation(),
          () ->
              LOG.infof("Request %s %s at generation %d", key, d.outcome().text(), d.generation()));
      applied.add(
          new AppliedObject(d.kind(), key.name(), key.namespace(), d.generation(), d.outcome()));
    }
    return applied;
  }

  /** The owner's decision on {@code intent}; its refusal as a problem. */
  private RequestDecision decided(RequestIntent intent) {
    RequestDecision decision = sequencer.decide(intent);
    if (!decision.refused()) {
      return decision;
    }
    if (decision.status() == 404) {
      throw ProblemException.notFound(decision.detail());
    }
    throw ProblemException.of(
        decision.status(), "conflict", "Conflict", decision.detail(), List.of());
  }

  private static RequestIntent intent(RequestIntent.Action action, ResourceKey key, Origin origin) {
    return new RequestIntent(
        UUID.randomUUID().toString(),
        action,
        key.toString(),
        origin.requester(),
        origin.correlationId(),
        null,
        null,
        null);
  }

  private AppliedObject publish(Change change, Origin origin) {
    String correlation = origin.correlationId();
    try {
      if (change.outcome() == Outcome.UNCHANGED) {
        return change.summary();
      }
      if (change instanceof PromiseChange p) {
        MDC.put("key", p.entry().name());
        publisher.publish(
            EventType.PROMISE_APPLIED,
            p.entry().name(),
            new PromiseApplied(p.entry().name(), p.entry().generation(), p.entry().document()),
            correlation);
        LOG.infof(
            "Promise %s %s at generation %d",
            p.entry().name(), p.outcome().text(), p.entry().generation());
      } else if (change instanceof DestinationChange d) {
        String key = DestinationApplied.key(d.kind(), d.name());
        MDC.put("key", key);
        publisher.publish(
            EventType.DESTINATION_APPLIED,
            key,
            new DestinationApplied(d.kind(), d.name(), d.document()),
            correlation);
        LOG.infof("%s %s %s", d.kind(), d.name(), d.outcome().text());
      } else if (change instanceof PolicyChange p) {
        PolicyEntry entry = p.entry();
        MDC.put("key", entry.name());
        MDC.put("generation", String.valueOf(entry.generation()));
        publisher.publish(
            EventType.NOTIFICATION_POLICY_APPLIED,
            entry.name(),
            new NotificationPolicyApplied(entry.name(), entry.generation(), entry.document()),
            correlation);
        LOG.infof(
            "NotificationPolicy %s %s at generation %d",
            entry.name(), p.outcome().text(), entry.generation());
      }
      return change.summary();
    } finally {
      MDC.remove("key");
      MDC.remove("generation");
    }
  }

  /**
   * Deletes a resource request: its delete workflow runs, then its Works are withdrawn.
   *
   * @return {@link Outcome#DELETED} when the delete was accepted now, {@link Outcome#UNCHANGED}
   *     when one is already in progress
   * @throws ProblemException 404 when the resource is unknown or already gone
   */
  public AppliedObject delete(ResourceKey key, Origin origin) {
    requireReady();
    return deleted(key, decided(intent(RequestIntent.Action.DELETE, key, origin)));
  }

  private static AppliedObject deleted(ResourceKey key, RequestDecision decision) {
    if (decision.outcome() == Outcome.DELETED) {
      withContext(
          key,
          decision.generation(),
          () -> LOG.infof("Request %s deleted at generation %d", key, decision.generation()));
    }
    return new AppliedObject(
        decision.kind(), key.name(), key.namespace(), decision.generation(), decision.outcome());
  }

  /**
   * Deletes a Promise as Kratix does: first every live request of it (each as {@link #delete}
   * would), then the Promise itself ({@code pledge.promise.deleted}, the last record of its key on
   * the compacted Promise topic). Its kind is unknown from then on.
   *
   * @return the deleted requests, then the Promise
   * @throws ProblemException 404 when no such Promise is known
   */
  public List<AppliedObject> deletePromise(String name, Origin origin) {
    requireReady();
    String promiseKey = ApplyPlanner.platformLockKey("Promise", name);
    while (true) {
      Set<ResourceKey> listed = liveRequestKeys(name);
      Set<String> keys = new HashSet<>();
      keys.add(promiseKey);
      listed.forEach(k -> keys.add(k.toString()));
      // Holding the Promise's key stops new requests of it; one applied between listing and
      // locking is not locked yet, so list again.
      Optional<List<AppliedObject>> done =
          locks.withLocks(keys, () -> fence.run(() -> deletePromiseLocked(name, listed, origin)));
      if (done.isPresent()) {
        return done.get();
      }
    }
  }

  /** Under the locks and the fence: empty when a request was applied since listing. */
  private Optional<List<AppliedObject>> deletePromiseLocked(
      String name, Set<ResourceKey> listed, Origin origin) {
    PromiseEntry entry =
        view.promise(name).orElseThrow(() -> ProblemException.notFound("No Promise " + name));
    List<RequestState> live = liveRequests(name);
    if (!listed.containsAll(live.stream().map(RequestState::key).toList())) {
      return Optional.empty();
    }
    List<AppliedObject> deleted = new ArrayList<>();
    for (RequestState state : live) {
      RequestDecision decision =
          sequencer.decide(intent(RequestIntent.Action.DELETE, state.key(), origin));
      if (!decision.refused()) { // refused: finished deleting meanwhile
        deleted.add(deleted(state.key(), decision));
      }
    }
    MDC.put("key", name);
    MDC.put("generation", String.valueOf(entry.generation()));
    try {
      publisher.publish(
          EventType.PROMISE_DELETED, name, new PromiseDeleted(name), origin.correlationId());
      LOG.infof(
          "Promise %s deleted at generation %d with %d requests",
          name, entry.generation(), live.size());
    } finally {
      MDC.remove("key");
      MDC.remove("generation");
    }
    deleted.add(new AppliedObject("Promise", name, null, entry.generation(), Outcome.DELETED));
    return Optional.of(deleted);
  }

  /** A Promise's requests that exist and are not being deleted already. */
  private List<RequestState> liveRequests(String promise) {
    return view.requests(null, promise).stream().filter(r -> !r.deleted()).toList();
  }

  private Set<ResourceKey> liveRequestKeys(String promise) {
    Set<ResourceKey> keys = new HashSet<>();
    liveRequests(promise).forEach(r -> keys.add(r.key()));
    return keys;
  }

  /**
   * Deletes a Destination, GitStateStore or BucketStateStore: {@code pledge.destination.deleted}
   * becomes the last record of its key on the compacted Destination topic.
   *
   * @throws ProblemException 404 when it is unknown; 409 for a state store a Destination uses
   */
  public AppliedObject deleteDestination(String kind, String name, Origin origin) {
    requireReady();
    String key = DestinationApplied.key(kind, name);
    return locks.withLocks(
        Set.of(ApplyPlanner.platformLockKey(kind, name)),
        () ->
            fence.run(
                () -> {
                  view.destination(key)
                      .filter(d -> kind.equals(d.kind()))
                      .orElseThrow(() -> ProblemException.notFound("No " + kind + " " + name));
                  List<String> users = destinationsUsing(kind, name);
                  if (!users.isEmpty()) {
                    throw ProblemException.of(
                        409,
                        "conflict",
                        "Conflict",
                        kind
                            + " "
                            + name
                            + " is used by Destination"
                            + (users.size() == 1 ? " " : "s ")
                            + String.join(", ", users)
                            + "; delete them or point them at another state store first",
                        List.of());
                  }
                  MDC.put("key", key);
                  try {
                    publisher.publish(
                        EventType.DESTINATION_DELETED,
                        key,
                        new DestinationDeleted(kind, name),
                        origin.correlationId());
                    LOG.infof("%s %s deleted", kind, name);
                  } finally {
                    MDC.remove("key");
                  }
                  return new AppliedObject(kind, name, null, null, Outcome.DELETED);
                }));
  }

  /** The Destinations whose {@code spec.stateStoreRef} names the state store. */
  private List<String> destinationsUsing(String kind, String name) {
    if (DestinationApplied.DESTINATION.equals(kind)) {
      return List.of();
    }
    return view.destinations().stream()
        .filter(d -> DestinationApplied.DESTINATION.equals(d.kind()))
        .filter(
            d -> {
              JsonNode ref = d.document().path("spec").path("stateStoreRef");
              return kind.equals(ref.path("kind").asText())
                  && name.equals(ref.path("name").asText());
            })
        .map(DestinationApplied::name)
        .sorted()
        .toList();
  }

  /**
   * Deletes a NotificationPolicy: {@code pledge.notificationpolicy.deleted} becomes the last record
   * of its key on the compacted policy topic.
   *
   * @throws ProblemException 404 when no such policy is known
   */
  public AppliedObject deletePolicy(String name, Origin origin) {
    requireReady();
    return locks.withLocks(
        Set.of(ApplyPlanner.policyLockKey(name)),
        () ->
            fence.run(
                () -> {
                  PolicyEntry entry =
                      view.policy(name)
                          .orElseThrow(
                              () -> ProblemException.notFound("No NotificationPolicy " + name));
                  MDC.put("key", name);
                  MDC.put("generation", String.valueOf(entry.generation()));
                  try {
                    publisher.publish(
                        EventType.NOTIFICATION_POLICY_DELETED,
                        name,
                        new NotificationPolicyDeleted(name),
                        origin.correlationId());
                    LOG.infof(
                        "NotificationPolicy %s deleted at generation %d", name, entry.generation());
                  } finally {
                    MDC.remove("key");
                    MDC.remove("generation");
                  }
                  return new AppliedObject(
                      NotificationPolicyApplied.KIND,
                      name,
                      null,
                      entry.generation(),
                      Outcome.DELETED);
                }));
  }

  /**
   * Re-runs the configure workflow of a resource at its current generation, as Kratix's {@code
   * kratix.io/manual-reconciliation} label does.
   *
   * @throws ProblemException 404 when the resource is unknown; 409 while it is being deleted
   */
  public AppliedObject reconcile(ResourceKey key, Origin origin) {
    requireReady();
    RequestDecision decision = decided(intent(RequestIntent.Action.RECONCILE, key, origin));
    withContext(
        key,
        decision.generation(),
        () ->
            LOG.infof(
                "Request %s reconcile requested at generation %d", key, decision.generation()));
    return new AppliedObject(
        decision.kind(), key.name(), key.namespace(), decision.generation(), decision.outcome());
  }

  private static void withContext(ResourceKey key, long generation, Runnable work) {
    MDC.put("key", key.toString());
    MDC.put("generation", String.valueOf(generation));
    try {
      work.run();
    } finally {
      MDC.remove("key");
      MDC.remove("generation");
    }
  }

  private void requireReady() {
    if (!readiness.ready()) {
      throw ProblemException.unavailable(readiness.whyNotReady());
    }
  }
}
