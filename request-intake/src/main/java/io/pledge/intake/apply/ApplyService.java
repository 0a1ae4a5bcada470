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
import io.pledge.contract.request.ReconcileRequested;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.intake.IntakeConfig;
import io.pledge.intake.apply.Change.DestinationChange;
import io.pledge.intake.apply.Change.PolicyChange;
import io.pledge.intake.apply.Change.PromiseChange;
import io.pledge.intake.apply.Change.RequestChange;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.publish.EventPublisher;
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
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Applies, deletes and reconciles: plans against the view (all documents valid, or nothing
 * happens), then publishes the events of each change in document order, each acknowledged by the
 * broker before the next is sent. See DESIGN.md for the ordering and locking.
 */
@ApplicationScoped
public class ApplyService {

  private static final Logger LOG = Logger.getLogger(ApplyService.class);
  static final String APPLY = "apply";
  static final String DELETE = "delete";
  static final String RECONCILE = "reconcile";

  private final IntakeView view;
  private final EventPublisher publisher;
  private final IntakeConfig config;
  private final ViewReadiness readiness;
  private final KeyLocks locks = new KeyLocks(256);

  ApplyService(
      IntakeView view, EventPublisher publisher, IntakeConfig config, ViewReadiness readiness) {
    this.view = view;
    this.publisher = publisher;
    this.config = config;
    this.readiness = readiness;
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
    return locks.withLocks(
        keys,
        promises,
        () -> {
          List<Change> changes = ApplyPlanner.plan(documents, view, config.defaultNamespace());
          List<AppliedObject> applied = new ArrayList<>();
          for (Change change : changes) {
            publish(change, origin);
            applied.add(change.summary());
          }
          return applied;
        });
  }

  /** The event subject of a document's outcome, when the document names one. */
  public Optional<String> subjectOf(JsonNode document) {
    return ApplyPlanner.subjectOf(document, view, config.defaultNamespace());
  }

  private void publish(Change change, Origin origin) {
    String correlation = origin.correlationId();
    try {
      if (change instanceof RequestChange r) {
        String key = r.key().toString();
        MDC.put("key", key);
        MDC.put("generation", String.valueOf(r.generation()));
        if (change.outcome() == Outcome.UNCHANGED && !origin.inbound()) {
          return;
        }
        // An unchanged inbound request still gets its answer, an acceptance at the same generation.
        publisher.publish(
            EventType.REQUEST_ACCEPTED,
            key,
            new RequestAccepted(r.key(), r.generation(), r.specHash(), APPLY, origin.requester()),
            correlation);
        if (change.outcome() != Outcome.UNCHANGED) {
          publisher.publish(
              EventType.REQUEST_APPLIED,
              key,
              new RequestApplied(r.key(), r.generation(), r.specHash(), r.resource()),
              correlation);
        }
        LOG.infof("Request %s %s at generation %d", key, r.outcome().text(), r.generation());
        return;
      }
      if (change.outcome() == Outcome.UNCHANGED) {
        return;
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
    return locks.withLocks(
        Set.of(key.toString()),
        () -> {
          RequestState state = existing(key);
          String kind = state.document().path("kind").asText();
          if (state.deleted()) {
            return new AppliedObject(
                kind, key.name(), key.namespace(), state.generation(), Outcome.UNCHANGED);
          }
          publishDelete(state, origin);
          return new AppliedObject(
              kind, key.name(), key.namespace(), state.generation(), Outcome.DELETED);
        });
  }

  private void publishDelete(RequestState state, Origin origin) {
    ResourceKey key = state.key();
    withContext(
        key,
        state.generation(),
        () -> {
          publisher.publish(
              EventType.REQUEST_ACCEPTED,
              key.toString(),
              new RequestAccepted(
                  key, state.generation(), state.specHash(), DELETE, origin.requester()),
              origin.correlationId());
          publisher.publish(
              EventType.REQUEST_DELETED,
              key.toString(),
              new RequestDeleted(key, state.generation(), state.document()),
              origin.correlationId());
          LOG.infof("Request %s deleted at generation %d", key, state.generation());
        });
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
          locks.withLocks(
              keys,
              () -> {
                PromiseEntry entry =
                    view.promise(name)
                        .orElseThrow(() -> ProblemException.notFound("No Promise " + name));
                List<RequestState> live = liveRequests(name);
                if (!listed.containsAll(live.stream().map(RequestState::key).toList())) {
                  return Optional.empty();
                }
                List<AppliedObject> deleted = new ArrayList<>();
                for (RequestState state : live) {
                  publishDelete(state, origin);
                  deleted.add(
                      new AppliedObject(
                          state.document().path("kind").asText(),
                          state.key().name(),
                          state.key().namespace(),
                          state.generation(),
                          Outcome.DELETED));
                }
                MDC.put("key", name);
                MDC.put("generation", String.valueOf(entry.generation()));
                try {
                  publisher.publish(
                      EventType.PROMISE_DELETED,
                      name,
                      new PromiseDeleted(name),
                      origin.correlationId());
                  LOG.infof(
                      "Promise %s deleted at generation %d with %d requests",
                      name, entry.generation(), live.size());
                } finally {
                  MDC.remove("key");
                  MDC.remove("generation");
                }
                deleted.add(
                    new AppliedObject("Promise", name, null, entry.generation(), Outcome.DELETED));
                return Optional.of(deleted);
              });
      if (done.isPresent()) {
        return done.get();
      }
    }
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
        });
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
        () -> {
          PolicyEntry entry =
              view.policy(name)
                  .orElseThrow(() -> ProblemException.notFound("No NotificationPolicy " + name));
          MDC.put("key", name);
          MDC.put("generation", String.valueOf(entry.generation()));
          try {
            publisher.publish(
                EventType.NOTIFICATION_POLICY_DELETED,
                name,
                new NotificationPolicyDeleted(name),
                origin.correlationId());
            LOG.infof("NotificationPolicy %s deleted at generation %d", name, entry.generation());
          } finally {
            MDC.remove("key");
            MDC.remove("generation");
          }
          return new AppliedObject(
              NotificationPolicyApplied.KIND, name, null, entry.generation(), Outcome.DELETED);
        });
  }

  /**
   * Re-runs the configure workflow of a resource at its current generation, as Kratix's {@code
   * kratix.io/manual-reconciliation} label does.
   *
   * @throws ProblemException 404 when the resource is unknown; 409 while it is being deleted
   */
  public AppliedObject reconcile(ResourceKey key, Origin origin) {
    requireReady();
    return locks.withLocks(
        Set.of(key.toString()),
        () -> {
          RequestState state = existing(key);
          if (state.deleted()) {
            throw ProblemException.of(
                409, "conflict", "Conflict", key + " is being deleted", List.of());
          }
          withContext(
              key,
              state.generation(),
              () -> {
                publisher.publish(
                    EventType.REQUEST_ACCEPTED,
                    key.toString(),
                    new RequestAccepted(
                        key, state.generation(), state.specHash(), RECONCILE, origin.requester()),
                    origin.correlationId());
                publisher.publish(
                    EventType.RECONCILE_REQUESTED,
                    key.toString(),
                    new ReconcileRequested(key, state.generation(), "manual", state.document()),
                    origin.correlationId());
                LOG.infof(
                    "Request %s reconcile requested at generation %d", key, state.generation());
              });
          return new AppliedObject(
              state.document().path("kind").asText(),
              key.name(),
              key.namespace(),
              state.generation(),
              Outcome.RECONCILING);
        });
  }

  private RequestState existing(ResourceKey key) {
    return view.request(key)
        .filter(r -> view.exists(key))
        .orElseThrow(() -> ProblemException.notFound("No resource " + key));
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
