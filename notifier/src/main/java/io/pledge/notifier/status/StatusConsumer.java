package io.pledge.notifier.status;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.pledge.kafka.health.VitalThreads;
import io.pledge.notifier.billing.BillingNotifier;
import io.pledge.notifier.config.NotifierConfig;
import io.pledge.notifier.delivery.NotificationDispatcher;
import io.pledge.notifier.delivery.Notifier;
import io.pledge.notifier.delivery.RateLimiter;
import io.pledge.notifier.delivery.RetryPolicy;
import io.pledge.notifier.email.EmailNotifier;
import io.pledge.notifier.policy.Rule;
import io.pledge.notifier.policy.SecretFiles;
import io.pledge.notifier.policy.TemplateRenderer;
import io.pledge.notifier.slack.SlackNotifier;
import io.pledge.notifier.telemetry.NotifierTelemetry;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Follows {@code pledge.status} in a thread of its own (HTTP calls and their retries block it,
 * never an event loop) and keeps a {@link StatusSession} running: after a Kafka failure it starts a
 * fresh one, which replays the ledger and the status partitions as a restarted process would.
 *
 * <p>Not an {@code @Incoming}: the notifier must read each partition from its beginning while
 * sharing partitions with other replicas, and commit offsets inside its delivery transactions. Its
 * failure strategy is its own: an unreadable record goes to the notifier's dead-letter topic.
 */
@ApplicationScoped
public class StatusConsumer {

  private static final Logger LOG = Logger.getLogger(StatusConsumer.class);
  private static final Duration RESTART_DELAY = Duration.ofSeconds(1);
  private static final int DEFAULT_MAX_POLL_INTERVAL = 300_000;

  @Inject NotifierConfig config;

  @Inject ReactiveMailer mailer;

  @Inject OpenTelemetry openTelemetry;

  @Inject MeterRegistry meters;

  @Inject VitalThreads vitalThreads;

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafka;

  private final CountDownLatch stopping = new CountDownLatch(1);
  private volatile boolean running;
  private volatile StatusSession session;
  private NotifierTelemetry telemetry = NotifierTelemetry.NONE;
  // The status consumer's Kafka metrics (its lag), published for the session's life.
  private AutoCloseable sessionMetrics;
  private Thread thread;
  private String instanceId;

  void onStart(@Observes StartupEvent start) {
    instanceId = config.kafka().instanceId().orElse(UUID.randomUUID().toString());
    telemetry = new NotifierTelemetry(openTelemetry, meters);
    NotifierConfig.Delivery d = config.delivery();
    RateLimiter rateLimiter =
        new RateLimiter(d.rateLimit(), d.rateLimitBurst(), System::nanoTime, this::pause);
    List<Rule> configured = configuredRules();
    if (configured.isEmpty()) {
      LOG.info(
          "no channel configured (slack.webhook-url, email.to, billing.url): only"
              + " NotificationPolicies and pipelines ask for notifications");
    }
    SecretFiles secrets = new SecretFiles(config.policy().secretsDir());
    Channels channels =
        new Channels(
            notifiers(rateLimiter),
            configured,
            new TemplateRenderer(),
            secrets::url,
            config.policy().resourceWait());
    NotificationDispatcher dispatcher =
        new NotificationDispatcher(
            new RetryPolicy(d.maxAttempts(), d.backoffBase(), d.backoffMax(), d.retryAfterMax()),
            this::pause);
    running = true;
    thread = vitalThreads.start("notifier-status", () -> loop(channels, dispatcher));
  }

  void onStop(@Observes ShutdownEvent stop) {
    running = false;
    vitalThreads.stopping(thread);
    stopping.countDown(); // ends a wait between delivery attempts
    StatusSession current = session;
    if (current != null) {
      current.wakeup();
    }
    if (thread != null) {
      // Not interrupted: Kafka clients must close cleanly (leave the group, end the producer).
      try {
        thread.join(Duration.ofSeconds(15).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Ends the current session as a crash of the Kafka side would: what it had not committed is
   * processed again by the next session, which first replays the ledger and the status partitions.
   */
  public void restart() {
    StatusSession current = session;
    if (current != null) {
      current.wakeup();
    }
  }

  /** True when the current session has caught up (readiness). */
  public boolean ready() {
    StatusSession current = session;
    return running && current != null && current.ready();
  }

  /** Sent notifications known, resources folded and policies in force, for the health data. */
  public Map<String, Object> progress() {
    StatusSession current = session;
    return current == null
        ? Map.of()
        : Map.of(
            "sentNotifications",
            current.ledgerSize(),
            "resources",
            current.resources(),
            "notificationPolicies",
            current.policies());
  }

  /** Waits between delivery attempts, cut short by a stop. */
  private void pause(Duration duration) throws InterruptedException {
    if (stopping.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new InterruptedException("stopping");
    }
  }

  /**
   * Slack and e-mail can always send (a policy may name the webhook secret or the recipients);
   * billing only with a configured URL.
   */
  private List<Notifier> notifiers(RateLimiter rateLimiter) {
    Duration timeout = config.delivery().timeout();
    List<Notifier> notifiers = new ArrayList<>();
    notifiers.add(new SlackNotifier(config.slack().webhookUrl(), timeout, rateLimiter, telemetry));
    notifiers.add(
        new EmailNotifier(
            mailer, config.email().to().orElse(List.of()), config.email().from(), timeout));
    config
        .billing()
        .url()
        .ifPresent(
            url ->
                notifiers.add(
                    new BillingNotifier(
                        url, config.billing().token(), timeout, rateLimiter, telemetry)));
    return notifiers;
  }

  /** The channels configured with a receiver, for resources no NotificationPolicy covers. */
  private List<Rule> configuredRules() {
    List<Rule> rules = new ArrayList<>();
    if (config.slack().webhookUrl().isPresent()) {
      rules.add(Rule.configured(SlackNotifier.CHANNEL, config.slack().events()));
    }
    if (config.email().to().filter(to -> !to.isEmpty()).isPresent()) {
      rules.add(Rule.configured(EmailNotifier.CHANNEL, config.email().events()));
    }
    if (config.billing().url().isPresent()) {
      rules.add(Rule.configured(BillingNotifier.CHANNEL, config.billing().events()));
    }
    return rules;
  }

  private void loop(Channels channels, NotificationDispatcher dispatcher) {
    while (running) {
      StatusSession current = newSession(channels, dispatcher);
      session = current;
      try {
        current.run();
      } catch (InterruptedException | InterruptException | WakeupException e) {
        if (running) {
          LOG.infof("status session ended (%s); starting a new one", e.getClass().getSimpleName());
        }
      } catch (RuntimeException e) {
        LOG.error("status session failed; starting a new one", e);
      } finally {
        current.close();
        closeSessionMetrics();
      }
      if (running) {
        try {
          pause(RESTART_DELAY);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private StatusSession newSession(Channels channels, NotificationDispatcher dispatcher) {
    NotifierConfig.Kafka k = config.kafka();

    Map<String, Object> statusProps = only(ConsumerConfig.configNames());
    statusProps.put(ConsumerConfig.GROUP_ID_CONFIG, k.groupId());
    // Cooperative-sticky: an instance joining or leaving moves only the partitions that change
    // hands, and the others keep being delivered meanwhile. A rebalance that completes while a
    // delivery's transaction is open makes the coordinator refuse its offsets; the session then
    // commits the outcome and the ledger record alone (StatusSession.transact) instead of ending,
    // which had posted a Slack message a second time (bench kill-one run 20261207-035322).
    statusProps.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    statusProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "notifier-status-" + instanceId);
    statusProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    statusProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    statusProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    statusProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, k.maxPollRecords());
    statusProps.putIfAbsent(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, DEFAULT_MAX_POLL_INTERVAL);
    Duration maxPollInterval =
        Duration.ofMillis(
            Long.parseLong(statusProps.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG).toString()));
    deserializers(statusProps);

    Map<String, Object> ledgerProps = only(ConsumerConfig.configNames());
    ledgerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
    ledgerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "notifier-ledger-" + instanceId);
    ledgerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    ledgerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    ledgerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    deserializers(ledgerProps);

    // The policies and requests are read like the ledger: every partition, no group.
    Map<String, Object> policyProps = new HashMap<>(ledgerProps);
    policyProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "notifier-policies-" + instanceId);
    Map<String, Object> requestProps = new HashMap<>(ledgerProps);
    requestProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "notifier-requests-" + instanceId);

    Map<String, Object> producerProps = only(ProducerConfig.configNames());
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "notifier-" + instanceId);
    producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "pledge-notifier-" + instanceId);
    producerProps.put(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) k.transactionTimeout().toMillis());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);

    KafkaConsumer<String, String> status = new KafkaConsumer<>(statusProps);
    sessionMetrics = telemetry.clientMetrics(status);
    return new StatusSession(
        k,
        status,
        new KafkaConsumer<>(ledgerProps),
        new KafkaConsumer<>(policyProps),
        new KafkaConsumer<>(requestProps),
        new KafkaProducer<>(producerProps),
        channels,
        dispatcher,
        maxPollInterval,
        () -> running,
        telemetry);
  }

  private void closeSessionMetrics() {
    if (sessionMetrics != null) {
      try {
        sessionMetrics.close();
      } catch (Exception e) {
        LOG.debugf("closing the status consumer's metrics: %s", e);
      }
      sessionMetrics = null;
    }
  }

  /** The {@code kafka.*} settings (bootstrap servers, timeouts, security) a client understands. */
  private Map<String, Object> only(Set<String> names) {
    Map<String, Object> props = new HashMap<>();
    kafka.forEach(
        (key, value) -> {
          if (names.contains(key)) {
            props.put(key, value);
          }
        });
    return props;
  }

  private static void deserializers(Map<String, Object> props) {
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
  }
}
