package io.pledge.runner.dryrun;

import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.event.MalformedEventException;
import io.pledge.runner.events.PromiseTableReader;
import io.pledge.runner.events.RunnerPublisher;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.runner.workflow.WorkflowRunner;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Answers dry-run requests from {@code pledge.dryruns}. The runner's instances share one consumer
 * group of their own, so any instance answers any request, and dry runs never queue behind real
 * workflows (they do not go through the sequencer: a dry run changes nothing, so it needs no
 * per-key order). At most {@code smallrye.messaging.worker.pledge-dry-runs.max-concurrency} run at
 * once.
 *
 * <p>A request is acknowledged once answered, or at once when its deadline has passed (nobody waits
 * for it any more, e.g. after a restart). A record that is not a readable request is nacked:
 * failure-strategy {@code dead-letter-queue} sends it to {@code pledge.dryruns.dlq}.
 */
@ApplicationScoped
public class DryRunConsumer {

  private static final Logger LOG = Logger.getLogger(DryRunConsumer.class);

  /** How often a request waiting for its Promise looks again. */
  private static final Duration PROMISE_POLL = Duration.ofMillis(50);

  /** The answer must reach the asker before its deadline: stop waiting for a Promise this early. */
  private static final Duration ANSWER_MARGIN = Duration.ofSeconds(1);

  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

  @Inject PromiseRegistry promises;
  @Inject PromiseTableReader table;
  @Inject DryRunWorkflow workflow;
  @Inject RunnerPublisher publisher;

  private final Clock clock = Clock.systemUTC();
  private volatile boolean stopping;

  void stop(@Observes ShutdownEvent ignored) {
    stopping = true;
  }

  // failure-strategy=dead-letter-queue (application.properties): poison records go to the DLQ.
  @Incoming("dryruns")
  @Blocking(value = "pledge-dry-runs", ordered = false)
  public CompletionStage<Void> consume(Message<String> message) {
    long started = System.nanoTime();
    DryRunRequested request;
    try {
      request = read(message.getPayload());
    } catch (MalformedEventException | IllegalArgumentException e) {
      LOG.warnf("dead-lettering an unreadable dry-run request: %s", e.getMessage());
      return message.nack(e);
    }
    MDC.put("key", request.key().toString());
    MDC.put("generation", String.valueOf(request.generation()));
    try {
      if (!clock.instant().isBefore(request.deadline())) {
        LOG.infof("dry run %s is past its deadline; dropped", request.correlationId());
        return message.ack();
      }
      DryRunCompleted answer = answer(request, started);
      if (answer == null && stopping) {
        // Unacknowledged: another instance takes it over and answers if there is still time.
        return CompletableFuture.completedFuture(null);
      }
      if (answer != null) {
        send(answer);
        LOG.infof(
            "dry run %s %s in %d ms",
            request.correlationId(), answer.outcome(), answer.durationMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.completedFuture(null);
    } finally {
      MDC.remove("key");
      MDC.remove("generation");
    }
    return message.ack();
  }

  private DryRunCompleted answer(DryRunRequested request, long started)
      throws InterruptedException {
    String name = request.key().promise();
    Optional<PromiseRegistry.Entry> entry =
        awaitPromise(name, request.deadline().minus(ANSWER_MARGIN));
    if (entry.isEmpty() || !entry.get().available()) {
      String why =
          entry.isPresent()
              ? entry.get().state() == PromiseRegistry.State.FAILED
                  ? "its configure workflow failed"
                  : "its configure workflow has not completed yet"
              : promises.isDeleted(name) ? "it was deleted" : "pipeline-runner does not know it";
      return new DryRunCompleted(
          request.correlationId(),
          request.key(),
          request.generation(),
          DryRunCompleted.UNAVAILABLE,
          "Promise " + name + " is not Available: " + why,
          entry.map(PromiseRegistry.Entry::generation).orElse(null),
          List.of(),
          null,
          null,
          Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
    try {
      return workflow.run(
          request,
          entry.get(),
          () -> stopping || !clock.instant().isBefore(request.deadline()),
          started);
    } catch (WorkflowRunner.CancelledException e) {
      LOG.infof(
          "dry run %s stopped: %s",
          request.correlationId(), stopping ? "the runner is stopping" : "its deadline passed");
      return null;
    }
  }

  /**
   * The Promise once this instance can tell whether it is Available: the table was read, and the
   * Promise is known (or deleted) and not configuring. A Promise applied a moment ago may still be
   * on its way or configuring, so this waits, until {@code until} at most.
   */
  private Optional<PromiseRegistry.Entry> awaitPromise(String name, Instant until)
      throws InterruptedException {
    while (true) {
      Optional<PromiseRegistry.Entry> entry = promises.get(name);
      if (table.caughtUp()) {
        if (entry.isPresent() && entry.get().state() != PromiseRegistry.State.CONFIGURING) {
          return entry;
        }
        if (entry.isEmpty() && promises.isDeleted(name)) {
          return entry;
        }
      }
      if (stopping || !clock.instant().isBefore(until)) {
        return entry;
      }
      Thread.sleep(PROMISE_POLL.toMillis());
    }
  }

  private void send(DryRunCompleted answer) throws InterruptedException {
    try {
      publish(answer).get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!tooLarge(e.getCause())) {
        LOG.warnf("the broker did not take dry-run answer %s: %s", answer.correlationId(), e);
        return;
      }
      String reason =
          "the rendered output is too large for a dry-run answer ("
              + e.getCause().getMessage()
              + ")";
      try {
        publish(DryRunReport.withoutFiles(answer, reason))
            .get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException again) {
        LOG.warnf("the broker did not take dry-run answer %s: %s", answer.correlationId(), again);
      }
    } catch (TimeoutException e) {
      LOG.warnf("the broker did not acknowledge dry-run answer %s in time", answer.correlationId());
    }
  }

  private CompletableFuture<Void> publish(DryRunCompleted answer) {
    return publisher.publish(EventType.DRY_RUN_COMPLETED, answer.key().toString(), answer);
  }

  private static DryRunRequested read(String payload) {
    if (payload == null) {
      throw new MalformedEventException("a dry-run record without a value");
    }
    CloudEvent event = EventCodec.read(payload);
    if (event.eventType().filter(EventType.DRY_RUN_REQUESTED::equals).isEmpty()) {
      throw new MalformedEventException(event.type() + " does not belong on the dry-run topic");
    }
    DryRunRequested request = EventCodec.data(event, DryRunRequested.class);
    if (request.correlationId() == null
        || request.correlationId().isBlank()
        || request.key() == null
        || request.resource() == null
        || !request.resource().isObject()
        || request.deadline() == null) {
      throw new MalformedEventException(
          "a dry-run request needs correlationId, key, resource and deadline");
    }
    return request;
  }

  private static boolean tooLarge(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getClass().getName().endsWith("RecordTooLargeException")) {
        return true;
      }
    }
    return false;
  }
}
