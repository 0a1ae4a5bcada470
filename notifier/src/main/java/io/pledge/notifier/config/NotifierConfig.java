package io.pledge.notifier.config;

import io.pledge.contract.Topics;
import io.pledge.notifier.lifecycle.Lifecycle;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Configuration of the notifier service. */
@ConfigMapping(prefix = "pledge.notifier")
public interface NotifierConfig {

  /** Slack incoming-webhook channel. */
  Slack slack();

  /** E-mail channel. */
  Email email();

  /** Billing API channel. */
  Billing billing();

  /** How each notification is attempted and retried. */
  Delivery delivery();

  /** Kafka topics and group. */
  Kafka kafka();

  /** Slack channel settings. */
  interface Slack {
    /**
     * The incoming-webhook URL (a secret: it carries the token, never logged). Absent: Slack is
     * off.
     */
    Optional<URI> webhookUrl();

    /**
     * Which lifecycle events go to Slack where no NotificationPolicy applies: requested,
     * reconciled, failed, deleted, created, updated.
     */
    @WithDefault("reconciled,failed")
    Set<Lifecycle> events();
  }

  /** E-mail channel settings; the SMTP server is configured with {@code quarkus.mailer.*}. */
  interface Email {
    /**
     * Recipients of lifecycle e-mails where no NotificationPolicy applies, and of e-mail rules and
     * pipeline requests that name none. Absent: only policies with {@code to} send e-mail.
     */
    Optional<List<String>> to();

    /** The sender address; absent: {@code quarkus.mailer.from}. */
    Optional<String> from();

    /** Which lifecycle events are mailed where no NotificationPolicy applies. */
    @WithDefault("reconciled,failed")
    Set<Lifecycle> events();
  }

  /** Billing channel settings. */
  interface Billing {
    /** The billing API endpoint that receives one POST per lifecycle event. Absent: billing off. */
    Optional<URI> url();

    /** Bearer token for the billing API (a secret, never logged). */
    Optional<String> token();

    /**
     * Which lifecycle events are billed where no NotificationPolicy applies: created (first
     * generation reconciled), updated (a later generation reconciled), deleted.
     */
    @WithDefault("created,updated,deleted")
    Set<Lifecycle> events();
  }

  /** Retry settings shared by every channel. */
  interface Delivery {
    /** Timeout of one HTTP call (connect and response). */
    @WithDefault("5s")
    Duration timeout();

    /** Attempts per notification, the first included, before giving up. */
    @WithDefault("5")
    int maxAttempts();

    /** Backoff before the second attempt; doubles with each further attempt, with jitter. */
    @WithDefault("200ms")
    Duration backoffBase();

    /** Upper bound of the exponential backoff. */
    @WithDefault("10s")
    Duration backoffMax();

    /** Upper bound of a server's Retry-After that is honoured (longer ones are cut to this). */
    @WithDefault("60s")
    Duration retryAfterMax();

    /**
     * Requests per second to one destination URL (a Slack webhook, the billing API), on average; 0:
     * no limit. Slack allows about one message a second per webhook.
     */
    @WithDefault("1")
    double rateLimit();

    /** How many requests to one destination may go out at once before the rate limit applies. */
    @WithDefault("5")
    int rateLimitBurst();
  }

  /** NotificationPolicy settings. */
  Policy policy();

  /** Where policies find their secrets, and how long they wait for request documents. */
  interface Policy {
    /**
     * Secrets as mounted: a rule's {@code webhookSecretRef} {name, namespace} is the file {@code
     * <secrets-dir>/<namespace>/<name>/url}.
     */
    @WithDefault("${PLEDGE_HOME:.pledge}/secrets")
    java.nio.file.Path secretsDir();

    /**
     * How long a {@code requested} notification waits for its request document on the requests
     * topic (request-intake publishes it just after the status event), for templates that use the
     * spec.
     */
    @WithDefault("2s")
    Duration resourceWait();
  }

  /** Topics and the consumer group; the broker itself is {@code kafka.bootstrap.servers}. */
  interface Kafka {
    /** The status topic: folded per resource, and where delivery outcomes are published. */
    @WithDefault(Topics.STATUS)
    String statusTopic();

    /** Compacted record of sent notifications, replayed before anything is sent. */
    @WithDefault(Topics.NOTIFICATIONS_DELIVERED)
    String deliveredTopic();

    /** Compacted NotificationPolicies, read from the beginning by every instance. */
    @WithDefault(Topics.POLICIES)
    String policiesTopic();

    /** Accepted requests: the request documents (spec) that templates and billing use. */
    @WithDefault(Topics.REQUESTS)
    String requestsTopic();

    /** Dead letters of the notifier: unreadable status records and notifications given up on. */
    @WithDefault("pledge.notifications.dlq")
    String deadLetterTopic();

    /** Consumer group sharing the status partitions among notifier replicas. */
    @WithDefault("pledge-notifier")
    String groupId();

    /**
     * Stable id of this replica, making its transactional id; absent: random per start (a crash
     * then holds read_committed readers of the partitions it wrote for up to the transaction
     * timeout).
     */
    Optional<String> instanceId();

    /** Kafka transaction timeout: how long a crashed replica's open transaction may linger. */
    @WithDefault("10s")
    Duration transactionTimeout();

    /** Records per poll: bounds the time between polls, as each may wait for HTTP retries. */
    @WithDefault("20")
    int maxPollRecords();
  }
}
