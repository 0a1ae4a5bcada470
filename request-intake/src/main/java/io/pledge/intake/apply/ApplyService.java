package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.notification.NotificationPolicyDeleted;
import io.pledge.contract.promise.PromiseApplied;
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
import io.pledge.intake.view.RequestState;
import io.pledge.intake.view.ViewLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
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
  private final ViewLifecycle lifecycle;
  private final KeyLocks locks = new KeyLocks(256);

  ApplyService(
      IntakeView view, EventPublisher publisher, IntakeConfig config, ViewLifecycle lifecycle) {
    this.view = view;
    this.publisher = publisher;
    this.config = config;
    this.lifecycle = lifecycle;
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
    return locks.withLocks(
        keys,
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
  public java.util.Optional<String> subjectOf(JsonNode document) {
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
          return new AppliedObject(
              kind, key.name(), key.namespace(), state.generation(), Outcome.DELETED);
        });
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
    if (!lifecycle.caughtUp()) {
      throw ProblemException.unavailable(
          "request-intake is still replaying its state from Kafka; retry in a moment");
    }
  }
}
