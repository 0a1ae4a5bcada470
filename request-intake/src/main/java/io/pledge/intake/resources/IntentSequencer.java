package io.pledge.intake.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.opentelemetry.context.Context;
import io.pledge.contract.event.EventCodec;
import io.pledge.intake.apply.RequestDecision;
import io.pledge.intake.apply.RequestIntent;
import io.pledge.intake.apply.RequestSequencer;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.kafka.CorrelatedReplies;
import io.pledge.intake.kafka.KafkaClientProperties;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.ReadBarrier;
import io.pledge.kafka.health.VitalThreads;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The replica's side of the single writer per key: sends an intent on {@code
 * pledge.requests.intents} (keyed by resource key, so it reaches the key's owner), waits for the
 * owner's decision on {@code pledge.requests.decisions}, then for this instance's view to have read
 * what the decision committed ({@link ReadBarrier}), so an apply followed by a GET on the same
 * instance sees its own write.
 */
@ApplicationScoped
public class IntentSequencer implements RequestSequencer {

  private static final Logger LOG = Logger.getLogger(IntentSequencer.class);
  private static final Duration POSITIONED_WAIT = Duration.ofSeconds(5);

  private final MutinyEmitter<String> intents;
  private final IntakeConfig config;
  private final Config rawConfig;
  private final VitalThreads threads;
  private final ReadBarrier barrier;
  private CorrelatedReplies<RequestDecision> decisions;

  IntentSequencer(
      @Channel("intents-out") MutinyEmitter<String> intents,
      IntakeConfig config,
      Config rawConfig,
      VitalThreads threads,
      ReadBarrier barrier) {
    this.intents = intents;
    this.config = config;
    this.rawConfig = rawConfig;
    this.threads = threads;
    this.barrier = barrier;
  }

  void start(@Observes StartupEvent ignored) {
    decisions =
        new CorrelatedReplies<>(
            KafkaClientProperties.of(rawConfig),
            config.topics().requestDecisions(),
            "decisions",
            IntentSequencer::decision);
    decisions.start(threads);
  }

  void stop(@Observes ShutdownEvent ignored) {
    if (decisions != null) {
      decisions.close();
    }
  }

  @Override
  public List<RequestDecision> decideAll(List<RequestIntent> batch) {
    awaitDecisions();
    List<CompletableFuture<RequestDecision>> answers = new ArrayList<>();
    batch.forEach(i -> answers.add(decisions.expect(i.id())));
    String what = batch.size() == 1 ? batch.get(0).key() : batch.size() + " requests";
    try {
      Duration timeout = config.publishTimeout();
      long deadline = System.nanoTime() + timeout.toNanos();
      List<Uni<Void>> sends = new ArrayList<>();
      for (RequestIntent intent : batch) {
        sends.add(intents.sendMessage(message(intent)));
      }
      for (Uni<Void> send : sends) {
        send.await().atMost(left(deadline));
      }
      List<RequestDecision> decided = new ArrayList<>();
      for (CompletableFuture<RequestDecision> answer : answers) {
        decided.add(answer.get(left(deadline).toNanos(), TimeUnit.NANOSECONDS));
      }
      // One barrier for the batch: the whole table when it spans several keys.
      boolean visible = batch.size() == 1 ? barrier.awaitKey(what) : barrier.awaitAll();
      if (!visible) {
        LOG.debugf("the view did not reach the decisions of %s in time", what);
      }
      return decided;
    } catch (TimeoutException | RuntimeException | ExecutionException e) {
      LOG.warnf("No decision for %s: %s", what, e.toString());
      throw ProblemException.unavailable(
          "The owner of "
              + what
              + " did not decide in time (the broker or the resource owner is slow or"
              + " restarting); retry the request");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProblemException.unavailable("Interrupted while waiting for " + what);
    } finally {
      batch.forEach(i -> decisions.forget(i.id()));
    }
  }

  private static Message<String> message(RequestIntent intent) {
    return Message.of(ResourceOwner.write(intent))
        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(intent.key()).build())
        .addMetadata(TracingMetadata.withCurrent(Context.current()));
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  /** True once decisions are read from their end: no decision to a later intent can be missed. */
  public boolean positioned() {
    try {
      return decisions != null && decisions.awaitPositioned(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void awaitDecisions() {
    try {
      if (decisions == null || !decisions.awaitPositioned(POSITIONED_WAIT)) {
        throw ProblemException.unavailable(
            "request-intake cannot read "
                + config.topics().requestDecisions()
                + " yet; retry in a moment");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProblemException.unavailable("Interrupted while starting");
    }
  }

  private static Optional<CorrelatedReplies.Answer<RequestDecision>> decision(String json) {
    try {
      RequestDecision d = EventCodec.JSON.readValue(json, RequestDecision.class);
      return Optional.of(new CorrelatedReplies.Answer<>(d.id(), d));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
