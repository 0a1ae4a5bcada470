package io.pledge.runner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the pipeline runner; every key lives under {@code pledge.runner}. */
@ConfigMapping(prefix = "pledge.runner")
public interface RunnerConfig {

  /** Where stages run. */
  enum ExecutorKind {
    /**
     * Under bubblewrap, on the container image's own root filesystem (read-only), no network, only
     * the three Kratix folders writable.
     */
    SANDBOX,
    /**
     * One Kubernetes Job per pipeline run, laid out as Kratix lays it out; see {@link Kubernetes}.
     */
    KUBERNETES
  }

  /** {@code sandbox} (default, bubblewrap on the image) or {@code kubernetes} (a Job per run). */
  @WithDefault("sandbox")
  ExecutorKind executor();

  /**
   * Most bytes of pulled images (unpacked root filesystems plus their blobs) kept under {@code
   * <work-dir>/images}; past it, images no running stage uses are evicted, least recently used
   * first.
   */
  @WithDefault("4294967296")
  long imageCacheMaxBytes();

  /** Largest image pulled: its compressed layers and configuration, as the manifest declares. */
  @WithDefault("2147483648")
  long imageMaxBytes();

  /** Largest manifest or image index read from a registry. */
  @WithDefault("4194304")
  long imageManifestMaxBytes();

  /**
   * Longest a pull may take, retries of an unreachable registry included; then the pipeline fails
   * naming the image and the registry's answer.
   */
  @WithDefault("2m")
  Duration pullTimeout();

  /** First pause before retrying a registry that did not answer (doubles, at most 10 s). */
  @WithDefault("500ms")
  Duration pullRetryBackoff();

  /**
   * The registries.conf (v2) to pull with; unset: {@code CONTAINERS_REGISTRIES_CONF}, else {@code
   * /etc/containers/registries.conf}, as for podman and skopeo (their {@code --registries-conf}).
   */
  Optional<String> registriesConf();

  /**
   * The registry credentials file; unset: {@code REGISTRY_AUTH_FILE}, else {@code
   * $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json} (skopeo's {@code --authfile}).
   */
  Optional<String> authFile();

  /** Path of skopeo (registry access: registries.conf, auth files, manifests, blobs). */
  @WithDefault("/usr/bin/skopeo")
  String skopeoPath();

  /** Path of umoci (unpacking layers into a root filesystem). */
  @WithDefault("/usr/bin/umoci")
  String umociPath();

  /** Root of the per-run folders and of the runner's own small records. */
  @WithDefault("${PLEDGE_HOME:.pledge}/runner")
  String workDir();

  /** Wall-clock limit of one container; when it passes, the process tree is killed. */
  @WithDefault("60s")
  Duration stageTimeout();

  /** Most bytes a pipeline may leave in /kratix/output (and in /kratix/metadata). */
  @WithDefault("10485760")
  long maxOutputBytes();

  /** Most files a pipeline may leave in /kratix/output (and in /kratix/metadata). */
  @WithDefault("1000")
  int maxOutputFiles();

  /** Most bytes kept of each of a container's stdout and stderr (the tail is kept). */
  @WithDefault("65536")
  int maxLogBytes();

  /** Retries of a failed pipeline when it sets no {@code jobOptions.backoffLimit} itself. */
  @WithDefault("0")
  int defaultBackoffLimit();

  /**
   * Shortest pause before a pipeline that wrote {@code retryAfter} runs again: a shorter {@code
   * retryAfter} (even {@code 0s}) waits this long.
   */
  @WithDefault("5s")
  Duration minRetryAfter();

  /**
   * Runs allowed of a pipeline that keeps writing {@code retryAfter} and sets no {@code
   * maxAttempts}; the run that reaches it fails the workflow. 0: no limit (as Kratix).
   */
  @WithDefault("100")
  int defaultRetryAttempts();

  /** Workflows (resources or Promises) that run at the same time; one key runs one at a time. */
  @WithDefault("4")
  int maxConcurrentRuns();

  /** Accepted requests held in memory (running, queued or waiting for their Promise). */
  @WithDefault("10000")
  int maxQueuedRequests();

  /** Path of the bubblewrap binary. */
  @WithDefault("/usr/bin/bwrap")
  String bwrapPath();

  /** The compacted topic of Promises, read from the beginning by every instance. */
  @WithDefault("pledge.promises")
  String promisesTopic();

  /** First wait before re-running a workflow whose events the broker did not acknowledge. */
  @WithDefault("1s")
  Duration publishRetryBackoff();

  /** Longest wait for the broker to acknowledge a workflow's events before retrying it. */
  @WithDefault("2m")
  Duration publishTimeout();

  /**
   * Compacted topic of the runner's own: each resource's last workflow run (what a Promise change
   * or a periodic re-run runs again). Created by the runner when missing.
   */
  @WithDefault("pledge.runner.resources")
  String resourcesTopic();

  /**
   * Re-run a resource's configure workflow this long after its last run ended (Kratix's default; a
   * Promise's {@code spec.workflows.config.reconciliationInterval} wins; at least 1m).
   */
  @WithDefault("10h")
  Duration reconciliationInterval();

  /** How often the runner looks for resources due for their periodic re-run. */
  @WithDefault("1m")
  Duration reconcileScanInterval();

  /**
   * How long a rebalance waits for the workflows of the partitions it moves away to stop before it
   * lets the partitions go (a warning says so when they have not); the next owner may run those
   * keys at once after that. Stages see their stop at once; publishing waits at most its own
   * timeout.
   */
  @WithDefault("30s")
  Duration revokeWait();

  /** What each sandboxed stage may use ({@code executor=sandbox}). */
  Limits limits();

  /**
   * Limits of one sandboxed stage, under {@code pledge.runner.limits}. Sizes are Kubernetes
   * quantities ({@code 512Mi}, {@code 1Gi}). The output's are {@code max-output-bytes} and {@code
   * max-output-files}.
   */
  interface Limits {

    /**
     * Memory of a stage: each of its processes' data (heap, stacks aside), and all of them together
     * (resident). A container's {@code resources.limits.memory} replaces it, up to {@code
     * max.memory}.
     */
    @WithDefault("512Mi")
    String memory();

    /** Processes a stage may run at once. */
    @WithDefault("256")
    int pids();

    /**
     * Size of a stage's {@code /tmp} (a tmpfs, in memory). A container's {@code
     * resources.limits.ephemeral-storage} replaces it, up to {@code max.tmp-size}.
     */
    @WithDefault("64Mi")
    String tmpSize();

    /** The most a Promise's container may ask for; asking more fails the pipeline. */
    Max max();

    /** Platform maximums, under {@code pledge.runner.limits.max}. */
    interface Max {

      /** The most {@code resources.limits.memory} a container may ask for. */
      @WithDefault("2Gi")
      String memory();

      /** The most {@code resources.limits.ephemeral-storage} (its /tmp) a container may ask for. */
      @WithDefault("1Gi")
      String tmpSize();
    }
  }

  /** The Kubernetes Job executor ({@code executor=kubernetes}). */
  Kubernetes kubernetes();

  /** Settings of the Kubernetes Job executor, under {@code pledge.runner.kubernetes}. */
  interface Kubernetes {

    /** Namespace of Promise workflow Jobs; resource workflow Jobs run in the resource's. */
    @WithDefault("kratix-platform-system")
    String namespace();

    /**
     * Image of the runner's own containers in the Job (copying object.yaml in, handing the output
     * back): it needs {@code sh}, {@code tar}, {@code gzip}, {@code base64} and {@code kubectl}.
     */
    @WithDefault("docker.io/alpine/k8s:1.31.4")
    String helperImage();

    /** How often a running Job is looked at. */
    @WithDefault("2s")
    Duration pollInterval();

    /** The Job's {@code activeDeadlineSeconds}: Kubernetes fails it after this long. */
    @WithDefault("30m")
    Duration jobTimeout();

    /** How long a completed Job's hand-back ConfigMap may take to appear before it fails. */
    @WithDefault("60s")
    Duration handbackGrace();

    /** The Job's {@code ttlSecondsAfterFinished}; its hand-back ConfigMap goes with it. */
    @WithDefault("24h")
    Duration jobTtl();
  }
}
