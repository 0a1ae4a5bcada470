package io.pledge.intake.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of request-intake, under {@code pledge.intake}. */
@ConfigMapping(prefix = "pledge.intake")
public interface IntakeConfig {

  /**
   * The largest request body {@code POST /api/v1/apply} accepts (413 above, as soon as a streamed
   * body crosses it), and the largest inbound event (refused with a 413 rejection).
   */
  @WithDefault("1M")
  MemorySize maxBodySize();

  /** The most documents one apply, or one inbound event, may carry. */
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
   * How long a read (a GET, the first event of a watch) waits for this replica's view to reach the
   * last stable offset of {@code pledge.resources}, so that it shows what any replica answered
   * before; past it the read answers with what the view has, with {@code Warning: 110}.
   */
  @WithDefault("2s")
  Duration readBarrierTimeout();

  /**
   * How long an inbound request keeps being retried while the service cannot take writes (still
   * replaying, broker unavailable) before it goes to the dead-letter topic. With {@link
   * #publishTimeout()} it must stay under the inbound channel's {@code
   * throttled.unprocessed-record-max-age.ms} (60 s), or the channel fails; checked at start-up.
   */
  @WithDefault("30s")
  Duration inboundRetryTimeout();

  /**
   * The transactional id every replica publishes Promises, Destinations, state stores and policies
   * under. One id for all: a replica that takes it fences the others, so definitions have a single
   * writer at a time ({@code apply.DefinitionFence}). Installations sharing a broker need their
   * own.
   */
  @WithDefault("pledge-intake-definitions")
  String definitionsTransactionalId();

  /** The CloudEvents {@code source} of every event this service publishes. */
  @WithDefault("/pledge/request-intake")
  String eventSource();

  /**
   * Bearer-token authentication and per-namespace authorisation of the REST API and of inbound
   * events.
   */
  Auth auth();

  /** Bearer tokens (from a file or an OIDC provider) and the systems allowed to send events. */
  interface Auth {
    /**
     * When false (the default) every caller and every inbound event source may do everything, as in
     * a single-user setup; OIDC stays off too.
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * {@code tokens}: bearer tokens from {@link #tokensFile()}; {@code oidc}: OIDC/JWT access
     * tokens verified by quarkus-oidc ({@code quarkus.oidc.auth-server-url} or {@code
     * quarkus.oidc.public-key}), whose default tenant is enabled only in this mode.
     */
    @WithDefault("tokens")
    Mode mode();

    /**
     * The tokens file (YAML, see README); re-read when it changes. Its {@code systems:} section
     * binds inbound event sources to roles and namespaces in both modes; its {@code tokens:} are
     * used in mode {@code tokens} only. Defaults to {@code $PLEDGE_HOME/intake/tokens.yaml}.
     */
    @WithDefault("${PLEDGE_HOME:.pledge}/intake/tokens.yaml")
    String tokensFile();

    /** How an OIDC access token's claims become a caller (mode {@code oidc}). */
    Oidc oidc();

    /**
     * Signed inbound events. {@code optional}: the events of a system the tokens file gives a
     * {@code publicKey} must carry a valid signature, the others are trusted by their claimed
     * source (for a topic only trusted producers may write). {@code required}: every inbound event
     * must be signed by its system's key; a system without one can send nothing.
     */
    @WithDefault("optional")
    Signatures inboundSignatures();

    /** See {@link #inboundSignatures()}. */
    enum Signatures {
      OPTIONAL,
      REQUIRED
    }

    /** Claims read from a verified access token. */
    interface Oidc {
      /** The claim naming the caller (recorded as requester); {@code sub} when it is absent. */
      @WithDefault("preferred_username")
      String nameClaim();

      /**
       * Claims holding roles ({@code platform-admin}, {@code requester}), a list or a
       * space-separated string; a dotted name reaches into an object ({@code realm_access.roles}).
       */
      @WithDefault("groups,realm_access.roles")
      List<String> rolesClaims();

      /** The claim listing the namespaces a requester may use ({@code *} for all). */
      @WithDefault("pledge_namespaces")
      String namespacesClaim();

      /**
       * The web console's OIDC client: a public client (no secret) registered with the provider for
       * the Authorization Code flow with PKCE, with the console's URL ({@code
       * https://<intake>/console/}) as its redirect URI.
       */
      @WithDefault("pledge-console")
      String consoleClientId();

      /** The scopes the console asks for. */
      @WithDefault("openid profile")
      String consoleScopes();
    }

    /** Where bearer tokens are checked. */
    enum Mode {
      TOKENS,
      OIDC
    }
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

    /**
     * Hold each request object with the finalizer {@code pledge.io/delete} until Pledge has deleted
     * the request (its delete workflow run, its files removed), as Kratix does: {@code kubectl
     * delete} waits for that, and a delete made while no intake was watching is not missed.
     */
    @WithDefault("true")
    boolean finalizers();

    /** The requester recorded for changes that come from the cluster. */
    @WithDefault("kubernetes")
    String requester();

    /** How long to wait before retrying an object the service could not take yet (replaying). */
    @WithDefault("1s")
    Duration retryDelay();

    /** Which replica watches the cluster. */
    LeaderElection leaderElection();
  }

  /**
   * With several intake replicas in Kubernetes mode one leads (holds a Lease) and watches the
   * cluster; the others serve the REST API and stand by. Defaults are client-go's.
   */
  interface LeaderElection {
    /** Off: every replica watches and applies every object (only for a single replica). */
    @WithDefault("true")
    boolean enabled();

    /** The Lease's name. */
    @WithDefault("pledge-request-intake")
    String lease();

    /** The Lease's namespace; by default the client's (in a pod: its own namespace). */
    Optional<String> namespace();

    /** A leader that has not renewed the Lease for this long is replaced. */
    @WithDefault("15s")
    Duration leaseDuration();

    /** The leader gives up leading when it could not renew for this long. */
    @WithDefault("10s")
    Duration renewDeadline();

    /** How often the Lease is tried for and renewed. */
    @WithDefault("2s")
    Duration retryPeriod();
  }

  /**
   * How often a compound Promise's request set that was refused is tried again (a Promise it names
   * may have been applied since).
   */
  @WithDefault("15s")
  Duration componentsRetry();

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

    /** Compacted readiness of Destinations and state stores (state-writer's checks). */
    @WithDefault(io.pledge.contract.Topics.DESTINATIONS_STATUS)
    String destinationsStatus();

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

    /** Compound Promises: the request sets state-writer places on a platform Destination. */
    @WithDefault(io.pledge.contract.Topics.COMPONENTS)
    String components();

    /** Stage output from pipeline-runner, replayed into the log store. */
    @WithDefault(io.pledge.contract.Topics.LOGS)
    String logs();

    /** Compacted folded records, written by the resource owner (one record per resource). */
    @WithDefault(io.pledge.contract.Topics.RESOURCES)
    String resources();

    /** What replicas ask the resource owner to decide (applies, deletes, reconciles). */
    @WithDefault(io.pledge.contract.Topics.REQUEST_INTENTS)
    String requestIntents();

    /** The resource owner's answers to intents. */
    @WithDefault(io.pledge.contract.Topics.REQUEST_DECISIONS)
    String requestDecisions();
  }

  /** The resource owner: the Kafka Streams application folding requests and status once. */
  Resources resources();

  /** The resource owner's Kafka Streams settings (request-intake/DESIGN.md "The fold"). */
  interface Resources {
    /**
     * The Kafka Streams {@code application.id}: its consumer group, and the prefix of its store's
     * changelog topic ({@code <id>-owner-changelog}). Every intake instance of one installation
     * uses the same id.
     */
    @WithDefault("pledge-resources")
    String applicationId();

    /**
     * How often the owner commits its transaction (store changelog, folded records, input offsets
     * together); a folded record becomes visible to read_committed readers at most this long after
     * its input. Every commit costs the broker a transaction round (offsets, end marker on each
     * partition written): measured with {@code bench/run --requests 2000}, 100 ms instead of 10 ms
     * took broker CPU from 50 to 41 ms per request and the intake's from 32 to 28, and the status
     * reached a GET no later (this instance shows its own writes at once either way).
     */
    @WithDefault("100ms")
    Duration commitInterval();

    /** Where Kafka Streams keeps its lock files (the stores themselves are in memory). */
    @WithDefault("${PLEDGE_HOME:.pledge}/intake/streams")
    String stateDir();
  }

  /** Policy for undeclared {@code spec} fields. */
  enum UnknownFields {
    REJECT,
    PRUNE
  }
}
