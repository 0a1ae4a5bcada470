package io.pledge.contract;

/**
 * Default Kafka topic names, spelled in one place. Services read them from configuration with these
 * values as defaults, so an installation may rename them.
 */
public final class Topics {
  /** Compacted, keyed by Promise name: the Promises, replayed on start-up. */
  public static final String PROMISES = "pledge.promises";

  /**
   * Compacted: Destinations (keyed by name) and state stores (keyed by {@code <Kind>/<name>}),
   * replayed on start-up.
   */
  public static final String DESTINATIONS = "pledge.destinations";

  /**
   * Compacted, keyed like {@link #DESTINATIONS}: each Destination's and state store's {@code Ready}
   * condition, written by state-writer when it changes.
   */
  public static final String DESTINATIONS_STATUS = "pledge.destinations.status";

  /** Compacted, keyed by policy name: Pledge's NotificationPolicy documents. */
  public static final String POLICIES = "pledge.policies";

  /** Accepted resource requests (apply, delete, reconcile), keyed by resource key. */
  public static final String REQUESTS = "pledge.requests";

  /** Requests from other systems: CloudEvents whose data is a Kratix-style document. */
  public static final String REQUESTS_INBOUND = "pledge.requests.inbound";

  /** Works produced by pipelines and their withdrawal, keyed by resource key or Promise name. */
  public static final String WORKS = "pledge.works";

  /**
   * Compound Promises: the resource requests a Work placed on the platform Destination asks Pledge
   * to apply, one complete set per workload group, keyed by the parent's resource key or Promise
   * name. Written by state-writer, applied by request-intake.
   */
  public static final String COMPONENTS = "pledge.components";

  /** Every lifecycle event, keyed by resource key or Promise name; folded into status. */
  public static final String STATUS = "pledge.status";

  /**
   * Compacted, keyed by resource key or Promise name: the folded record of each resource (its last
   * accepted request and its status), written by request-intake's resource owner only. Has the
   * partition count of {@link #REQUESTS} and {@link #STATUS}, which it is folded from.
   */
  public static final String RESOURCES = "pledge.resources";

  /**
   * request-intake's own: what a replica asks the owner of a resource's key to decide (an apply, a
   * delete, a reconcile it has validated), keyed by resource key. Has the partition count of {@link
   * #REQUESTS}: the owner of a key's partition decides it. Short-lived (a day): an intent is
   * decided within moments, or its sender has given up.
   */
  public static final String REQUEST_INTENTS = "pledge.requests.intents";

  /**
   * request-intake's own: the owner's answers to intents. Every request-intake instance reads every
   * partition and takes the answers it waits for. Short-lived (an hour).
   */
  public static final String REQUEST_DECISIONS = "pledge.requests.decisions";

  /** Stage output (stdout and stderr), keyed by resource key or Promise name. */
  public static final String LOGS = "pledge.logs";

  /**
   * Compacted record of notifications delivered, so a restart never sends one twice. Its Kafka key
   * is {@code <resource key>#<generation>#<event>#<channel>}, not the event's subject: one record
   * per delivery, not per resource.
   */
  public static final String NOTIFICATIONS_DELIVERED = "pledge.notifications.delivered";

  /**
   * Notifications the notifier gave up on, with the reason in the headers. The notifier has its own
   * dead-letter topic because it is a second consumer of {@link #STATUS}.
   */
  public static final String NOTIFICATIONS_DEAD_LETTER = "pledge.notifications.dlq";

  /** Compacted record of sticky placements: which Destination a workload group went to. */
  public static final String PLACEMENTS = "pledge.placements";

  /**
   * Compacted record of the resources pipeline-runner has run, so it can re-run them when their
   * Promise changes or their reconciliation interval passes, also after a restart.
   */
  public static final String RUNNER_RESOURCES = "pledge.runner.resources";

  /**
   * Dry-run requests from request-intake to pipeline-runner, keyed by resource key: run a configure
   * workflow for a proposed document and commit nothing. Short-lived (about an hour): nobody waits
   * for a dry run longer than that.
   */
  public static final String DRY_RUNS = "pledge.dryruns";

  /**
   * Dry-run answers from pipeline-runner, keyed by resource key. Every request-intake instance
   * reads every partition and takes the answers whose correlation id it waits for. Short-lived
   * (about an hour).
   */
  public static final String DRY_RUN_REPLIES = "pledge.dryruns.replies";

  /** The dead-letter topic of {@code topic}; the reason travels in the record headers. */
  public static String deadLetter(String topic) {
    return topic + ".dlq";
  }

  private Topics() {}
}
