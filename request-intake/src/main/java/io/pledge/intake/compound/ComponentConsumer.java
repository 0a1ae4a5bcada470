package io.pledge.intake.compound;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.WorkState;
import io.pledge.contract.work.ComponentSet;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkFailed;
import io.pledge.contract.work.Workload;
import io.pledge.intake.apply.ApplyService;
import io.pledge.intake.apply.DocumentReader;
import io.pledge.intake.apply.Origin;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.publish.EventPublisher;
import io.pledge.intake.view.IntakeView;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Compound Promises: applies the request sets state-writer placed on a platform Destination ({@code
 * pledge.components}), as Kratix's platform cluster applies what its Flux finds in the platform
 * Destination's state store.
 *
 * <p>A set is applied whole through {@link ApplyService}, exactly as an inbound request (every
 * document valid, or none applied), then the requests and Promises the set held before and no
 * longer holds are deleted (their delete workflows run). A set without workloads deletes them all:
 * the parent's Work was withdrawn. A set that cannot be applied (a kind no Promise offers, a
 * namespace the parent may not use, an object owned by something else) applies nothing and fails
 * the parent's Work with the reason ({@code pledge.work.failed} for the platform Destination); it
 * is tried again every {@code pledge.intake.components-retry}, so a Promise applied later heals it,
 * and once applied the parent's Work is committed again. Refused sets are remembered by the
 * instance that read them; after a rebalance or restart a reconcile of the parent tries again.
 *
 * <p>Records are processed one at a time, in order (each parent's sets are on its partition), and
 * acknowledged once handled. Applying a set twice changes nothing, so a redelivery is harmless.
 */
@ApplicationScoped
public class ComponentConsumer {

  private static final Logger LOG = Logger.getLogger(ComponentConsumer.class);

  /** How a refusal begins in the parent's status, so it is told from the writer's own failures. */
  static final String REFUSED = "its requests were not applied: ";

  private final ApplyService service;
  private final EventPublisher publisher;
  private final IntakeView view;
  private final IntakeConfig config;
  private final Map<String, Refused> refused = new ConcurrentHashMap<>();
  private ScheduledExecutorService retries;

  private record Refused(ComponentSet set, String eventId, String reason) {}

  ComponentConsumer(
      ApplyService service, EventPublisher publisher, IntakeView view, IntakeConfig config) {
    this.service = service;
    this.publisher = publisher;
    this.view = view;
    this.config = config;
  }

  void start(@Observes StartupEvent ignored) {
    long every = config.componentsRetry().toMillis();
    retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "components-retry");
              t.setDaemon(true);
              return t;
            });
    retries.scheduleWithFixedDelay(this::retryRefused, every, every, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent ignored) {
    if (retries != null) {
      retries.shutdownNow();
    }
  }

  @Incoming("components")
  @Blocking(ordered = true)
  public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
    CloudEvent event = EventCodec.read(record.value());
    handle(EventCodec.data(event, ComponentSet.class), event.id());
  }

  /** One set at a time: the Kafka thread and the retries never apply two at once. */
  synchronized void handle(ComponentSet set, String eventId) throws InterruptedException {
    MDC.put("key", set.parentKey());
    try {
      Refused before = refused.remove(set.identity());
      Instant deadline = Instant.now().plus(config.inboundRetryTimeout());
      while (true) {
        try {
          apply(set, eventId);
          // Only over a refusal of this very generation: a newer one's WORK_COMMITTED comes from
          // the writer, with its own placements.
          if (refusedInStatus(set)) {
            committedAgain(set, eventId);
          }
          return;
        } catch (ProblemException e) {
          if (e.problem().status() == 503 && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            continue;
          }
          refuse(set, eventId, e.problem().detail(), before);
          return;
        }
      }
    } finally {
      MDC.remove("key");
    }
  }

  private void apply(ComponentSet set, String eventId) {
    ComponentPlan plan =
        ComponentRequests.plan(set, documents(set), view, config.defaultNamespace());
    Origin origin = new Origin("promise/" + set.promise(), eventId);
    if (!plan.documents().isEmpty()) {
      LOG.infof(
          "Requests of %s applied: %s",
          ComponentRequests.describe(set), service.apply(plan.documents(), origin));
    }
    for (ResourceKey stale : plan.staleRequests()) {
      try {
        service.delete(stale, origin);
        LOG.infof("Request %s deleted: %s no longer asks for it", stale, describe(set));
      } catch (ProblemException e) {
        if (e.problem().status() != 404) {
          throw e;
        }
      }
    }
    for (String stale : plan.stalePromises()) {
      service.deletePromise(stale, origin);
      LOG.infof("Promise %s deleted: %s no longer installs it", stale, describe(set));
    }
  }

  private static String describe(ComponentSet set) {
    return ComponentRequests.describe(set);
  }

  /** The documents of the set's files, read as an apply body is. */
  private List<JsonNode> documents(ComponentSet set) {
    List<JsonNode> documents = new ArrayList<>();
    for (Workload workload : set.workloads()) {
      byte[] bytes = workload.bytes();
      if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
        continue;
      }
      documents.addAll(DocumentReader.read(bytes, false, config.maxDocuments()));
    }
    return documents;
  }

  private void refuse(ComponentSet set, String eventId, String detail, Refused before) {
    String reason = REFUSED + detail;
    boolean said =
        before != null
            && reason.equals(before.reason())
            && before.set().generation() == set.generation();
    if (!said) {
      LOG.warnf("Requests of %s refused: %s", describe(set), detail);
      if (!published(
          EventType.WORK_FAILED,
          set,
          new WorkFailed(
              set.parentKey(), set.generation(), set.pipeline(), set.destination(), reason))) {
        reason = null; // not said yet: the next retry says it
      }
    }
    refused.put(set.identity(), new Refused(set, eventId, reason));
  }

  /**
   * Publishes an answer about the parent; false when the broker did not take it. The set is then
   * kept with the refused ones, so the retry does it again rather than the record going to the
   * dead-letter topic.
   */
  private boolean published(EventType type, ComponentSet set, Object data) {
    try {
      publisher.publish(type, set.parentKey(), data);
      return true;
    } catch (ProblemException e) {
      LOG.warnf("Could not publish %s for %s: %s", type.type(), set.parentKey(), e.getMessage());
      return false;
    }
  }

  /** Whether the parent's Work shows a refusal of this set's generation (perhaps another's). */
  private boolean refusedInStatus(ComponentSet set) {
    return work(set)
        .filter(w -> WorkState.FAILED.equals(w.state()) && w.generation() == set.generation())
        .filter(w -> w.message() != null && w.message().contains(REFUSED))
        .isPresent();
  }

  /** The parent's Work is whole again: committed with the placements the writer reported. */
  private void committedAgain(ComponentSet set, String eventId) {
    if (set.withdrawn()) {
      return;
    }
    List<io.pledge.contract.work.Placement> placements =
        work(set).map(WorkState::placements).orElse(List.of());
    if (published(
        EventType.WORK_COMMITTED,
        set,
        new WorkCommitted(set.parentKey(), set.generation(), set.pipeline(), placements))) {
      LOG.infof("Requests of %s applied after an earlier refusal", describe(set));
    } else {
      refused.put(set.identity(), new Refused(set, eventId, null));
    }
  }

  private Optional<WorkState> work(ComponentSet set) {
    return view.status(set.parentKey())
        .map(ResourceStatus::works)
        .map(works -> works.get(set.pipeline()));
  }

  private void retryRefused() {
    for (Refused r : List.copyOf(refused.values())) {
      try {
        synchronized (this) {
          // Only if no newer set of the same parent came meanwhile: that one replaced it.
          if (refused.get(r.set().identity()) == r) {
            handle(r.set(), r.eventId());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warnf(e, "Retrying the requests of %s failed", describe(r.set()));
      }
    }
  }
}
