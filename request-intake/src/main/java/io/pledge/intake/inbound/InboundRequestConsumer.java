package io.pledge.intake.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.event.MalformedEventException;
import io.pledge.contract.request.RequestRejected;
import io.pledge.intake.apply.AppliedObject;
import io.pledge.intake.apply.ApplyService;
import io.pledge.intake.apply.Origin;
import io.pledge.intake.auth.Caller;
import io.pledge.intake.auth.CallerDirectory;
import io.pledge.intake.auth.EventSignatures;
import io.pledge.intake.auth.Permissions;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.config.IntakeConfig.Auth.Signatures;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.publish.EventPublisher;
import io.pledge.intake.telemetry.IntakeMetrics;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Requests from other systems on {@code pledge.requests.inbound}: a CloudEvent whose {@code data}
 * is a Kratix document (or an array of them). It is applied exactly as {@code POST /api/v1/apply}
 * would, and the outcome goes to the status topic with {@code correlationid} = the inbound event's
 * id: {@code pledge.request.accepted} (also for an unchanged request) or {@code
 * pledge.request.rejected} carrying the same problem the REST API would answer.
 *
 * <p>Authorisation: Kafka's topic ACLs decide who may write to the topic; Pledge authorises by the
 * event's {@code source}, which the tokens file's {@code systems:} section binds to roles and
 * namespaces, exactly as a token is bound for the REST API. An unknown source, a namespace outside
 * the binding, or a platform document from a system without {@code platform-admin} is rejected with
 * a 403 problem, and nothing else is published. The source is recorded as the requester. With
 * {@code pledge.intake.auth.enabled=false} every source may do everything, as every REST caller
 * may. A claimed source can be proven: a system with a {@code publicKey} in the tokens file signs
 * its events ({@link EventSignatures}), and an event without a valid signature is rejected with a
 * 401 problem ({@code pledge.intake.auth.inbound-signatures=required} demands it of every source).
 *
 * <p>Limits: an event gets those of a REST body. One whose record value is over {@code
 * pledge.intake.max-body-size} bytes, or whose data holds more than {@code
 * pledge.intake.max-documents} documents, is refused as a whole with a 413 problem before anything
 * is applied (it is not even read, when too large), so no single event can hold the channel past
 * its deadline (see {@link InboundDeadline}, checked at start-up).
 *
 * <p>Failure strategy: dead-letter-queue. A record that is not a CloudEvent, or whose data is not a
 * document, goes to {@code pledge.requests.inbound.dlq} with the reason in its headers; so does one
 * that could not be applied within {@code pledge.intake.inbound-retry-timeout} because the service
 * could not take writes. Records are processed one at a time, in order, and acknowledged only once
 * their outcome is acknowledged by the broker.
 */
@ApplicationScoped
public class InboundRequestConsumer {

  private static final Logger LOG = Logger.getLogger(InboundRequestConsumer.class);

  private final ApplyService service;
  private final EventPublisher publisher;
  private final IntakeConfig config;
  private final CallerDirectory callers;
  private final InboundLimits limits;

  @Inject IntakeMetrics metrics;

  InboundRequestConsumer(
      ApplyService service,
      EventPublisher publisher,
      IntakeConfig config,
      CallerDirectory callers) {
    this.service = service;
    this.publisher = publisher;
    this.config = config;
    this.callers = callers;
    this.limits = new InboundLimits(config.maxBodySize().asLongValue(), config.maxDocuments());
  }

  /** Refuses to start with a retry timeout that could fail the channel (see InboundDeadline). */
  void checkDeadline(@Observes StartupEvent ignored, Config raw) {
    long maxAge =
        raw.getOptionalValue(InboundDeadline.MAX_AGE_KEY, Long.class)
            .orElse(InboundDeadline.DEFAULT_MAX_AGE_MS);
    new InboundDeadline(
            config.inboundRetryTimeout(), config.publishTimeout(), Duration.ofMillis(maxAge))
        .requireWithinChannelDeadline();
  }

  @Incoming("requests-inbound")
  @Blocking(ordered = true)
  public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
    if (record.value() == null) {
      throw new MalformedEventException("empty record");
    }
    try {
      limits.requireBytes(record.serializedValueSize());
    } catch (ProblemException e) {
      refuseUnread(record.value(), e);
      return;
    }
    CloudEvent event = EventCodec.read(record.value());
    List<JsonNode> documents = documents(event);
    String key = keyFor(documents, event);
    MDC.put("key", key);
    try {
      try {
        authenticate(record, event);
        limits.requireDocuments(documents.size());
        authorise(event, documents);
      } catch (ProblemException e) {
        reject(key, e, event.id());
        return;
      }
      Origin origin = new Origin(event.source(), event.id());
      Instant deadline = Instant.now().plus(config.inboundRetryTimeout());
      while (true) {
        try {
          List<AppliedObject> applied = service.apply(documents, origin);
          LOG.infof("Inbound %s applied: %s", event.id(), applied);
          countAccepted(applied);
          return;
        } catch (ProblemException e) {
          if (e.problem().status() != 503) {
            reject(key, e, event.id());
            return;
          }
          if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException("not applied in time: " + e.problem().detail(), e);
          }
          Thread.sleep(Duration.ofMillis(500).toMillis());
        }
      }
    } finally {
      MDC.remove("key");
    }
  }

  /**
   * Each request of the event was answered with an acceptance (written by its owner), unchanged
   * ones included; Promises and other platform objects get none.
   */
  private void countAccepted(List<AppliedObject> applied) {
    if (metrics != null) {
      applied.stream()
          .filter(a -> a.namespace() != null)
          .forEach(a -> metrics.request(IntakeMetrics.INBOUND, 200));
    }
  }

  /**
   * The event's claimed source is proven by its signature when the source has a public key (or when
   * every source must sign); see {@link EventSignatures}.
   */
  private void authenticate(ConsumerRecord<String, String> record, CloudEvent event) {
    if (!config.auth().enabled()) {
      return;
    }
    Optional<PublicKey> key = callers.systemKey(event.source());
    if (key.isEmpty()) {
      if (config.auth().inboundSignatures() == Signatures.REQUIRED) {
        throw unauthenticated(
            "Inbound events must be signed (pledge.intake.auth.inbound-signatures=required) and"
                + " the source "
                + event.source()
                + " has no publicKey in the tokens file");
      }
      return;
    }
    Optional<String> signature =
        Optional.ofNullable(record.headers().lastHeader(EventSignatures.HEADER))
            .map(h -> new String(h.value(), StandardCharsets.US_ASCII));
    if (!EventSignatures.verifies(key.get(), record.value(), signature)) {
      throw unauthenticated(
          signature.isEmpty()
              ? "The event is not signed (header "
                  + EventSignatures.HEADER
                  + ") and its source "
                  + event.source()
                  + " signs its events"
              : "The event's signature does not verify with the public key of its source "
                  + event.source());
    }
  }

  private static ProblemException unauthenticated(String detail) {
    return ProblemException.of(401, "unauthorized", "Unauthorized", detail, List.of());
  }

  /** Answers an event too large to be read, from its id and subject alone. */
  private void refuseUnread(String value, ProblemException e) {
    EventHeadline headline = EventHeadline.read(value);
    MDC.put("key", headline.key());
    try {
      reject(headline.key(), e, headline.id());
    } finally {
      MDC.remove("key");
    }
  }

  /** Checked before validation, as the REST API checks a token before it reads the body. */
  private void authorise(CloudEvent event, List<JsonNode> documents) {
    if (!config.auth().enabled()) {
      return;
    }
    Caller system =
        callers
            .system(event.source())
            .orElseThrow(
                () ->
                    Permissions.forbidden(
                        "The source "
                            + event.source()
                            + " is not bound to any roles (systems: in the tokens file)"));
    Permissions.requireMayApply(system, documents, config.defaultNamespace());
  }

  private void reject(String key, ProblemException e, String eventId) {
    publisher.publish(
        EventType.REQUEST_REJECTED, key, new RequestRejected(key, e.problem()), eventId);
    LOG.infof("Inbound %s rejected (%d): %s", eventId, e.problem().status(), e.problem().detail());
  }

  /** The event's data as documents; anything else is a poison record. */
  static List<JsonNode> documents(CloudEvent event) {
    JsonNode data = event.data();
    List<JsonNode> documents = new ArrayList<>();
    if (data != null && data.isArray()) {
      data.forEach(documents::add);
    } else if (data != null) {
      documents.add(data);
    }
    if (documents.isEmpty() || documents.stream().anyMatch(d -> !d.isObject())) {
      throw new MalformedEventException(
          "inbound event " + event.id() + " does not carry a document (or an array of documents)");
    }
    return documents;
  }

  private String keyFor(List<JsonNode> documents, CloudEvent event) {
    return service
        .subjectOf(documents.get(0))
        .orElse(
            event.subject() != null && !event.subject().isBlank() ? event.subject() : event.id());
  }
}
