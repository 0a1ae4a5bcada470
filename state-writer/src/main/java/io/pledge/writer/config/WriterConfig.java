package io.pledge.writer.config;

import io.pledge.writer.git.GitStateStores;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** Configuration of the state writer, under {@code pledge.writer}. */
@ConfigMapping(prefix = "pledge.writer")
public interface WriterConfig {

  /**
   * Where local copies of Git state stores live, one per store and branch (and the ssh client's own
   * home folder beside each).
   */
  @WithDefault("${PLEDGE_HOME:.pledge}/writer")
  Path workDir();

  /**
   * What a GitStateStore URL that is a relative path is relative to: the example store's {@code
   * url: state-store.git} names the bare repository deploy/local/up creates in {@code
   * $PLEDGE_HOME}.
   */
  @WithDefault("${PLEDGE_HOME:.pledge}")
  Path home();

  /**
   * Where state-store credentials are mounted: {@code <secrets-dir>/<namespace>/<name>/<key>}, e.g.
   * {@code default/git-creds/username} and {@code password} (Git basicAuth), {@code sshPrivateKey}
   * and {@code knownHosts} (Git ssh), {@code accessKeyID} and {@code secretAccessKey} (buckets).
   */
  @WithDefault("${PLEDGE_HOME:.pledge}/secrets")
  Path secretsDir();

  /** The consumer group of the pledge.works consumer; every instance of the service shares it. */
  @WithDefault("pledge-state-writer")
  String groupId();

  /**
   * Compound Promises: whether the groups placed on a Destination labelled {@code
   * pledge.io/platform: "true"} are also committed to its state store (a record of what was asked),
   * as well as handed to request-intake; false hands them over only.
   */
  @WithDefault("true")
  boolean platformCommits();

  /** Topic names. */
  Topics topics();

  /** How Works are gathered into commits. */
  Batch batch();

  /** How failed writes are retried. */
  Retry retry();

  /**
   * How often Works waiting for a Destination or a state store, and canary files not yet written,
   * are looked at again even when no Destination changed (Kratix re-queues every 60 s).
   */
  @WithDefault("60s")
  Duration reevaluateInterval();

  /**
   * How long a state store's writes must keep failing (at least twice, no success between) before
   * readiness reports it DOWN; one transient error never does.
   */
  @WithDefault("60s")
  Duration storeFailureGrace();

  /**
   * How long a ref lock ({@code refs/heads/<branch>.lock}) in a Git state store on this machine
   * ({@code file://} or a path) must stand unchanged before the writer takes it for one that a
   * writer killed mid-push left, and removes it. A live push holds the lock for milliseconds; other
   * writers may share the repository, so this stays far above that. Locks in the writer's own local
   * copies are removed at once: no other process can hold them.
   */
  @WithDefault("60s")
  Duration staleLockAge();

  /**
   * How often a ready state store is checked again (reachable, and a push or upload accepted);
   * every change to it is checked at once. Its Destinations' readiness follows.
   */
  @WithDefault("5m")
  Duration storeCheckInterval();

  /** How often a state store that is not ready is checked again (Kratix re-queues every 15 s). */
  @WithDefault("15s")
  Duration storeCheckRetry();

  /** Topic names; the defaults are those of {@link io.pledge.contract.Topics}. */
  interface Topics {
    /** Works in (upserted, withdrawn). */
    @WithDefault(io.pledge.contract.Topics.WORKS)
    String works();

    /** Destinations and state stores (compacted table, read from the beginning). */
    @WithDefault(io.pledge.contract.Topics.DESTINATIONS)
    String destinations();

    /** Sticky placements and Works waiting to be placed (compacted, read from the beginning). */
    @WithDefault(io.pledge.contract.Topics.PLACEMENTS)
    String placements();

    /** Status events out (scheduled, committed, failed, removed). */
    @WithDefault(io.pledge.contract.Topics.STATUS)
    String status();

    /** Readiness of Destinations and state stores out (compacted). */
    @WithDefault(io.pledge.contract.Topics.DESTINATIONS_STATUS)
    String destinationsStatus();

    /** Compound Promises: requests placed on a platform Destination, out to request-intake. */
    @WithDefault(io.pledge.contract.Topics.COMPONENTS)
    String components();
  }

  /** The commit batcher. */
  interface Batch {
    /**
     * How long the first Work of a batch waits for others to share its commit. Short, because
     * batches form anyway: what arrives while a commit is pushed is all taken by the next poll. A
     * long window only adds latency when the load is light.
     */
    @WithDefault("25ms")
    Duration window();

    /** At most this many Works in one batch (also the consumer's max.poll.records). */
    @WithDefault("500")
    int maxWorks();
  }

  /** Retries of state-store writes. */
  interface Retry {
    /** Pushes rejected because the branch moved are redone on the new head this many times. */
    @WithDefault("" + GitStateStores.DEFAULT_PUSH_ATTEMPTS)
    int pushAttempts();

    /** The first wait after a failed write; it doubles up to {@link #maxBackoff()}. */
    @WithDefault("500ms")
    Duration initialBackoff();

    /** The longest wait between two attempts at a failed write. */
    @WithDefault("30s")
    Duration maxBackoff();
  }
}
