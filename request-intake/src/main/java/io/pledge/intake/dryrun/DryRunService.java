package io.pledge.intake.dryrun;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.intake.apply.ApplyPlanner;
import io.pledge.intake.apply.Change;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.kafka.CorrelatedReplies;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.ViewReadiness;
import io.pledge.kafka.health.VitalThreads;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * {@code POST /api/v1/apply?dryRun=true}: validates one resource request exactly as an apply does
 * (same planner, same problems, defaults applied, the generation it would get), asks
 * pipeline-runner over Kafka to run its configure workflow with {@code KRATIX_DRY_RUN=true}, and
 * waits for the answer. Publishes nothing but the dry-run request: no acceptance, no request, no
 * status. See README "Dry run".
 */
@ApplicationScoped
public class DryRunService {

  private static final Logger LOG = Logger.getLogger(DryRunService.class);
  private static final String KAFKA_PREFIX = "kafka.";

  /** How long a dry run may wait for the answer reader to be ready after start-up. */
  private static final Duration POSITIONED_WAIT = Duration.ofSeconds(5);

  private final IntakeView view;
  private final IntakeConfig config;
  private final DryRunConfig dryRuns;
  private final ViewReadiness readiness;
  private final DryRunPublisher publisher;
  private final Config rawConfig;
  private final Semaphore inFlight;
  private CorrelatedReplies<DryRunCompleted> replies;

  @Inject VitalThreads threads;

  DryRunService(
      IntakeView view,
      IntakeConfig config,
      DryRunConfig dryRuns,
      ViewReadiness readiness,
      DryRunPublisher publisher,
      Config rawConfig) {
    this.view = view;
    this.config = config;
    this.dryRuns = dryRuns;
    this.readiness = readiness;
    this.publisher = publisher;
    this.rawConfig = rawConfig;
    this.inFlight = new Semaphore(Math.max(1, dryRuns.maxInFlight()));
  }

  void start(@Observes StartupEvent ignored) {
    replies =
        new CorrelatedReplies<>(
            kafkaClientConfig(), dryRuns.repliesTopic(), "dry-run-replies", DryRunService::answer);
    replies.start(threads);
  }

  void stop(@Observes ShutdownEvent ignored) {
    if (replies != null) {
      replies.close();
    }
  }

  /**
   * Dry-runs {@code documents}, which must be exactly one resource request.
   *
   * @param requester the caller, for the runner's log
   * @throws ProblemException 400 for anything but one resource request, 404/422 as an apply, 503
   *     when the service cannot ask yet
   */
  public Response dryRun(List<JsonNode> documents, String requester) {
    long started = System.nanoTime();
    requireOneRequest(documents);
    if (!readiness.ready()) {
      throw ProblemException.unavailable(readiness.whyNotReady());
    }
    List<Change> changes = ApplyPlanner.plan(documents, view, config.defaultNamespace());
    if (changes.size() != 1 || !(changes.get(0) instanceof Change.RequestChange change)) {
      throw onlyRequests();
    }
    if (!inFlight.tryAcquire()) {
      throw ProblemException.unavailable(
          "Too many dry runs are waiting for their answer (pledge.intake.dry-run.max-in-flight);"
              + " retry in a moment");
    }
    String correlationId = UUID.randomUUID().toString();
    MDC.put("key", change.key().toString());
    MDC.put("generation", String.valueOf(change.generation()));
    try {
      awaitReplies();
      Duration timeout = dryRuns.timeout();
      DryRunRequested request =
          new DryRunRequested(
              correlationId,
              change.key(),
              change.generation(),
              change.resource(),
              requester,
              Instant.now().plus(timeout));
      CompletableFuture<DryRunCompleted> answer = replies.expect(correlationId);
      publisher.publish(request);
      DryRunAnswers.Answer http;
      try {
        long left = timeout.toNanos() - (System.nanoTime() - started);
        DryRunCompleted completed = answer.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        http =
            DryRunAnswers.of(
                completed, change.resource(), Duration.ofNanos(System.nanoTime() - started));
        LOG.infof(
            "Dry run %s of %s %s in %d ms (runner %d ms)",
            correlationId,
            change.key(),
            completed.outcome(),
            Duration.ofNanos(System.nanoTime() - started).toMillis(),
            completed.durationMillis());
      } catch (TimeoutException e) {
        LOG.warnf("Dry run %s of %s: no answer in %s", correlationId, change.key(), timeout);
        http = DryRunAnswers.timedOut(change.key(), timeout);
      }
      return response(http);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProblemException.unavailable("The dry run was interrupted; retry the request");
    } catch (ExecutionException e) {
      throw new IllegalStateException("a dry-run answer failed", e.getCause());
    } finally {
      replies.forget(correlationId);
      inFlight.release();
      MDC.remove("key");
      MDC.remove("generation");
    }
  }

  private void awaitReplies() throws InterruptedException {
    if (replies == null || !replies.awaitPositioned(POSITIONED_WAIT)) {
      throw ProblemException.unavailable(
          "request-intake is not reading dry-run answers yet (topic "
              + dryRuns.repliesTopic()
              + "); retry in a moment");
    }
  }

  private static Response response(DryRunAnswers.Answer answer) {
    if (!answer.problem()) {
      return Response.status(answer.status()).entity(answer.body()).build();
    }
    try {
      return Response.status(answer.status())
          .type(ProblemException.MEDIA_TYPE)
          .entity(EventCodec.JSON.writeValueAsString(answer.body()))
          .build();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Dry runs are for resource requests: platform documents have no workflow to preview here. */
  private static void requireOneRequest(List<JsonNode> documents) {
    if (documents.size() != 1) {
      throw ProblemException.of(
          400,
          "dry-run-one-request",
          "One resource request per dry run",
          "A dry run takes exactly one resource request; the body holds "
              + documents.size()
              + " documents",
          List.of());
    }
    String apiVersion = documents.get(0).path("apiVersion").asText("");
    if (KratixDocuments.API_VERSION.equals(apiVersion)
        || NotificationPolicyApplied.API_VERSION.equals(apiVersion)) {
      throw onlyRequests();
    }
  }

  private static ProblemException onlyRequests() {
    return ProblemException.of(
        400,
        "dry-run-one-request",
        "One resource request per dry run",
        "A dry run takes one resource request (a kind a Promise offers); Promises, Destinations,"
            + " state stores and NotificationPolicies are applied without one",
        List.of());
  }

  /** The {@code kafka.*} properties (bootstrap servers, security) for the answer reader. */
  private Map<String, String> kafkaClientConfig() {
    Map<String, String> kafka = new HashMap<>();
    for (String name : rawConfig.getPropertyNames()) {
      if (name.startsWith(KAFKA_PREFIX)) {
        rawConfig
            .getOptionalValue(name, String.class)
            .ifPresent(v -> kafka.put(name.substring(KAFKA_PREFIX.length()), v));
      }
    }
    kafka.put("bootstrap.servers", rawConfig.getValue("kafka.bootstrap.servers", String.class));
    return kafka;
  }

  /** A dry-run answer on the replies topic, by the correlation id of the dry run it answers. */
  private static Optional<CorrelatedReplies.Answer<DryRunCompleted>> answer(String json) {
    CloudEvent event = EventCodec.read(json);
    if (event.eventType().filter(EventType.DRY_RUN_COMPLETED::equals).isEmpty()) {
      return Optional.empty();
    }
    DryRunCompleted answer = EventCodec.data(event, DryRunCompleted.class);
    return answer.correlationId() == null
        ? Optional.empty()
        : Optional.of(new CorrelatedReplies.Answer<>(answer.correlationId(), answer));
  }
}
