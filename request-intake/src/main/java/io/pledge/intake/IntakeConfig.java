package io.pledge.intake;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of request-intake, under {@code pledge.intake}. */
@ConfigMapping(prefix = "pledge.intake")
public interface IntakeConfig {

  /** The largest request body {@code POST /api/v1/apply} accepts; larger bodies get 413. */
  @WithDefault("1M")
  MemorySize maxBodySize();

  /** The most documents one apply may carry. */
  @WithDefault("200")
  int maxDocuments();

  /** The namespace of a resource request that names none. */
  @WithDefault("default")
  String defaultNamespace();

  /**
   * What to do with {@code spec} fields the Promise's schema does not declare (and does not
   * preserve with {@code x-kubernetes-preserve-unknown-fields}): {@code reject} answers 422 like
   * {@code kubectl --validate=strict}; {@code prune} drops them like the Kubernetes API server.
   */
  @WithDefault("reject")
  UnknownFields unknownFields();

  /** How long an apply waits for the broker to acknowledge each event before answering 503. */
  @WithDefault("15s")
  Duration publishTimeout();

  /**
   * How long an inbound request keeps being retried while the service cannot take writes (still
   * replaying, broker unavailable) before it goes to the dead-letter topic.
   */
  @WithDefault("60s")
  Duration inboundRetryTimeout();

  /** The CloudEvents {@code source} of every event this service publishes. */
  @WithDefault("/pledge/request-intake")
  String eventSource();

  /** Bearer-token authentication and per-namespace authorisation of the REST API. */
  Auth auth();

  /** Bearer tokens, read from a file. */
  interface Auth {
    /** When false (the default) every caller may do everything, as in a single-user setup. */
    @WithDefault("false")
    boolean enabled();

    /**
     * The tokens file (YAML, see README); re-read when it changes. Defaults to {@code
     * $PLEDGE_HOME/intake/tokens.yaml}.
     */
    @WithDefault("${PLEDGE_HOME:.pledge}/intake/tokens.yaml")
    String tokensFile();
  }

  /** The stage output served at {@code .../logs}, replayed from {@code pledge.logs}. */
  Logs logs();

  /** Stage output bounds. */
  interface Logs {
    /** Runs (workflow executions) kept per resource or Promise; older ones are dropped. */
    @WithDefault("10")
    int maxRunsPerResource();

    /** Bytes kept per resource or Promise; the oldest runs are dropped first. */
    @WithDefault("1M")
    MemorySize maxBytesPerResource();

    /** Bytes kept in all; the resources written least recently are dropped first. */
    @WithDefault("256M")
    MemorySize maxTotalBytes();
  }

  /** Kubernetes mode: Promise and request objects on a cluster as a way in. */
  Kubernetes kubernetes();

  /** Kubernetes mode. */
  interface Kubernetes {
    /**
     * Watch Kratix Promise objects and the request kinds they define on the cluster the Quarkus
     * Kubernetes client points at, and write status back. Off by default: nothing connects to a
     * cluster then.
     */
    @WithDefault("false")
    boolean enabled();

    /** Create or update each Promise's request CRD from its {@code spec.api}, as Kratix does. */
    @WithDefault("true")
    boolean installCrds();

    /** Write the folded status into each request object's {@code status} subresource. */
    @WithDefault("true")
    boolean writeStatus();

    /** The requester recorded for changes that come from the cluster. */
    @WithDefault("kubernetes")
    String requester();

    /** How long to wait before retrying an object the service could not take yet (replaying). */
    @WithDefault("1s")
    Duration retryDelay();
  }

  /** Topic names; the outgoing channels in application.properties refer to these. */
  TopicNames topics();

  /** Topic names, defaulting to {@link io.pledge.contract.Topics}. */
  interface TopicNames {
    /** Compacted Promise table. */
    @WithDefault(io.pledge.contract.Topics.PROMISES)
    String promises();

    /** Compacted Destination and state store table. */
    @WithDefault(io.pledge.contract.Topics.DESTINATIONS)
    String destinations();

    /** Compacted NotificationPolicy table. */
    @WithDefault(io.pledge.contract.Topics.POLICIES)
    String policies();

    /** Accepted requests (apply, delete, reconcile). */
    @WithDefault(io.pledge.contract.Topics.REQUESTS)
    String requests();

    /** Requests from other systems (CloudEvents whose data is a document). */
    @WithDefault(io.pledge.contract.Topics.REQUESTS_INBOUND)
    String requestsInbound();

    /** Lifecycle events, folded into the status view. */
    @WithDefault(io.pledge.contract.Topics.STATUS)
    String status();

    /** Stage output from pipeline-runner, replayed into the log store. */
    @WithDefault(io.pledge.contract.Topics.LOGS)
    String logs();
  }

  /** Policy for undeclared {@code spec} fields. */
  enum UnknownFields {
    REJECT,
    PRUNE
  }
}
