package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.kratix.Pipeline;
import io.pledge.contract.pipeline.ContainerImage;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.runner.image.ImagePullException;
import io.pledge.runner.image.ImageStore;
import io.pledge.runner.image.LaunchPlan;
import io.pledge.runner.outcome.PipelineFailure;
import io.pledge.runner.outcome.PipelineOutcome;
import io.pledge.runner.outcome.WorkflowControl;
import io.pledge.runner.sandbox.ContainerLimits;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.OutputTree;
import io.pledge.runner.sandbox.RunFolders;
import io.pledge.runner.sandbox.StageExecutor;
import io.pledge.runner.sandbox.StageLimits;
import io.pledge.runner.sandbox.StageResult;
import io.pledge.runner.sandbox.StageSpec;
import io.pledge.runner.sandbox.WorkflowObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Runs one pipeline: its containers in order in fresh shared folders, then reads what they left
 * (status, workflow control, output as workload groups). A failed attempt is retried from the
 * start, in new folders, up to the pipeline's {@code backoffLimit}, as a Kubernetes Job would.
 */
public final class PipelineRunner {

  private static final Logger LOG = Logger.getLogger(PipelineRunner.class);

  /** The label or annotation by which a pipeline asks for network access. */
  public static final String NETWORK_OPT_IN = "pledge.io/network";

  private static final int STDERR_TAIL_LINES = 20;
  private static final int STDERR_TAIL_CHARS = 2048;

  /** Hears about attempts and containers as they happen (to publish them). */
  public interface Listener {
    void attemptStarted(int attempt);

    void containerFinished(String container, StageResult result, int attempt);
  }

  /**
   * What to run.
   *
   * @param object what the workflow runs for
   * @param action {@code configure} or {@code delete}
   * @param pipeline the pipeline
   * @param status the object's status as it stands before this pipeline
   * @param promiseSelectors the Promise's squashed destination selectors
   * @param runId what makes this run of the pipeline this run: the same after a restart (the same
   *     request record, the same pipeline, the same retry), different for a new request
   */
  public record Request(
      WorkflowObject object,
      String action,
      Pipeline pipeline,
      ObjectNode status,
      Map<String, String> promiseSelectors,
      String runId) {

    public Request(
        WorkflowObject object,
        String action,
        Pipeline pipeline,
        ObjectNode status,
        Map<String, String> promiseSelectors) {
      this(object, action, pipeline, status, promiseSelectors, "");
    }
  }

  private final StageExecutor executor;

  /** Null when pipelines run as Jobs: the cluster pulls their images. */
  private final ImageStore images;

  private final OutputInspector inspector;
  private final Path runsDir;
  private final Duration stageTimeout;
  private final int defaultBackoffLimit;
  private final JobExecutor jobs;
  private final ContainerLimits limits;
  private final boolean dryRun;

  public PipelineRunner(
      StageExecutor executor,
      ImageStore images,
      OutputInspector inspector,
      Path runsDir,
      Duration stageTimeout,
      int defaultBackoffLimit) {
    this(executor, images, inspector, runsDir, stageTimeout, defaultBackoffLimit, null);
  }

  /**
   * @param jobs when not null, runs each pipeline as a whole (a Kubernetes Job, which retries by
   *     itself) instead of its containers one by one with {@code executor}
   */
  public PipelineRunner(
      StageExecutor executor,
      ImageStore images,
      OutputInspector inspector,
      Path runsDir,
      Duration stageTimeout,
      int defaultBackoffLimit,
      JobExecutor jobs) {
    this(
        executor,
        images,
        inspector,
        runsDir,
        stageTimeout,
        defaultBackoffLimit,
        jobs,
        ContainerLimits.builtIn());
  }

  /**
   * @param limits each sandboxed container's limits (the defaults, or its {@code resources.limits}
   *     within the maximum)
   */
  public PipelineRunner(
      StageExecutor executor,
      ImageStore images,
      OutputInspector inspector,
      Path runsDir,
      Duration stageTimeout,
      int defaultBackoffLimit,
      JobExecutor jobs,
      ContainerLimits limits) {
    this(
        executor,
        images,
        inspector,
        runsDir,
        stageTimeout,
        defaultBackoffLimit,
        jobs,
        limits,
        false);
  }

  private PipelineRunner(
      StageExecutor executor,
      ImageStore images,
      OutputInspector inspector,
      Path runsDir,
      Duration stageTimeout,
      int defaultBackoffLimit,
      JobExecutor jobs,
      ContainerLimits limits,
      boolean dryRun) {
    this.dryRun = dryRun;
    this.jobs = jobs;
    this.limits = limits;
    this.executor = executor;
    this.images = images;
    this.inspector = inspector;
    this.runsDir = runsDir;
    this.stageTimeout = stageTimeout;
    this.defaultBackoffLimit = defaultBackoffLimit;
  }

  /**
   * This runner for dry runs, with its run folders under {@code runsDir}: every object it runs for
   * is a {@link WorkflowObject#asDryRun() dry-run object} (its stages see {@code
   * KRATIX_DRY_RUN=true}, which their own {@code env} cannot turn off), and a failed pipeline is
   * not retried: the person waiting for the answer wants the failure, not the same failure later.
   */
  public PipelineRunner forDryRuns(Path runsDir) {
    return new PipelineRunner(
        executor,
        images,
        inspector,
        runsDir,
        stageTimeout,
        defaultBackoffLimit,
        jobs,
        limits,
        true);
  }

  public PipelineOutcome run(Request request, Listener listener, BooleanSupplier cancelled) {
    if (dryRun && !request.object().dryRun()) {
      request =
          new Request(
              request.object().asDryRun(),
              request.action(),
              request.pipeline(),
              request.status(),
              request.promiseSelectors(),
              request.runId());
    }
    Integer limit =
        request.pipeline().spec() == null || request.pipeline().spec().jobOptions() == null
            ? null
            : request.pipeline().spec().jobOptions().backoffLimit();
    // A Job retries by itself, up to its backoffLimit.
    int attempts =
        jobs != null || dryRun ? 1 : 1 + Math.max(0, limit == null ? defaultBackoffLimit : limit);
    PipelineOutcome outcome = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (cancelled.getAsBoolean()) {
        return new PipelineOutcome.Cancelled();
      }
      listener.attemptStarted(attempt);
      Attempt result = attempt(request, listener, attempt, cancelled);
      outcome = result.outcome();
      if (!(outcome instanceof PipelineOutcome.Failed) || !result.retryable()) {
        return outcome;
      }
      if (attempt < attempts) {
        LOG.infof(
            "pipeline %s failed (attempt %d of %d): %s; retrying",
            request.pipeline().name(),
            attempt,
            attempts,
            ((PipelineOutcome.Failed) outcome).reason());
      }
    }
    return outcome;
  }

  private record Attempt(PipelineOutcome outcome, boolean retryable) {}

  private Attempt attempt(
      Request request, Listener listener, int attempt, BooleanSupplier cancelled) {
    RunFolders folders;
    String objectYaml = request.object().objectYaml(request.status());
    try {
      folders =
          RunFolders.create(runsDir, request.object().name() + "-" + request.pipeline().name());
      Files.writeString(folders.input().resolve("object.yaml"), objectYaml);
    } catch (IOException e) {
      return new Attempt(
          new PipelineOutcome.Failed(
              null, null, "cannot prepare the pipeline's folders: " + e.getMessage(), null),
          true);
    }
    try {
      if (jobs != null) {
        return runJob(request, objectYaml, cancelled, folders);
      }
      return runContainers(request, listener, attempt, cancelled, folders);
    } finally {
      try {
        folders.delete();
      } catch (IOException e) {
        LOG.warnf("could not remove run folder %s: %s", folders.root(), e.getMessage());
      }
    }
  }

  private Attempt runJob(
      Request request, String objectYaml, BooleanSupplier cancelled, RunFolders folders) {
    PipelineOutcome failed = jobs.run(request, objectYaml, folders, cancelled);
    if (failed != null) {
      return new Attempt(failed, false);
    }
    Optional<String> violation =
        inspector
            .violation(folders.output(), RunFolders.OUTPUT)
            .or(() -> inspector.violation(folders.metadata(), RunFolders.METADATA));
    if (violation.isPresent()) {
      return new Attempt(new PipelineOutcome.Failed(null, null, violation.get(), null), false);
    }
    try {
      return new Attempt(collect(request, folders), false);
    } catch (PipelineFailure e) {
      return new Attempt(new PipelineOutcome.Failed(null, null, e.getMessage(), null), false);
    } catch (IOException e) {
      return new Attempt(
          new PipelineOutcome.Failed(
              null, null, "cannot read the pipeline's output: " + e.getMessage(), null),
          false);
    }
  }

  private Attempt runContainers(
      Request request,
      Listener listener,
      int attempt,
      BooleanSupplier cancelled,
      RunFolders folders) {
    Pipeline pipeline = request.pipeline();
    List<Pipeline.Container> containers = pipeline.containers();
    if (containers.isEmpty()) {
      return new Attempt(
          new PipelineOutcome.Failed(
              null, null, "pipeline " + pipeline.name() + " has no containers", null),
          false);
    }
    boolean network = wantsNetwork(pipeline);
    // Every container's limits are settled before the first one runs: a refused one fails the
    // pipeline with nothing run (and is not retried: the Promise asks for it every time).
    List<StageLimits> stageLimits = new ArrayList<>();
    for (Pipeline.Container container : containers) {
      try {
        stageLimits.add(limits.of(container.name(), container.resources()));
      } catch (ContainerLimits.RefusedException e) {
        return new Attempt(
            new PipelineOutcome.Failed(container.name(), null, e.getMessage(), null), false);
      }
    }
    List<ContainerImage> ran = new ArrayList<>();
    for (int index = 0; index < containers.size(); index++) {
      Pipeline.Container container = containers.get(index);
      if (cancelled.getAsBoolean()) {
        return new Attempt(new PipelineOutcome.Cancelled(), false);
      }
      ImageStore.Lease lease;
      try {
        lease = images.acquire(container.image(), container.imagePullPolicy(), cancelled);
      } catch (ImagePullException e) {
        // Transient registry failures were retried inside the pull, up to the pull timeout.
        return new Attempt(
            new PipelineOutcome.Failed(container.name(), null, e.getMessage(), null, ran), false);
      }
      try (lease) {
        ImageStore.Image image = lease.image();
        ran.add(new ContainerImage(container.name(), container.image(), image.digest()));
        Attempt failed =
            runContainer(
                request,
                listener,
                attempt,
                cancelled,
                folders,
                network,
                container,
                image,
                stageLimits.get(index));
        if (failed != null) {
          return failed.outcome() instanceof PipelineOutcome.Failed f
              ? new Attempt(f.withContainers(List.copyOf(ran)), failed.retryable())
              : failed;
        }
      }
    }
    try {
      PipelineOutcome outcome = collect(request, folders);
      return new Attempt(
          outcome instanceof PipelineOutcome.Succeeded s
              ? s.withContainers(List.copyOf(ran))
              : outcome,
          true);
    } catch (PipelineFailure e) {
      return new Attempt(new PipelineOutcome.Failed(null, null, e.getMessage(), null, ran), true);
    } catch (IOException e) {
      return new Attempt(
          new PipelineOutcome.Failed(
              null, null, "cannot read the pipeline's output: " + e.getMessage(), null, ran),
          true);
    }
  }

  /** Runs one container on its image; null when it succeeded and left valid output. */
  private Attempt runContainer(
      Request request,
      Listener listener,
      int attempt,
      BooleanSupplier cancelled,
      RunFolders folders,
      boolean network,
      Pipeline.Container container,
      ImageStore.Image image,
      StageLimits stageLimits) {
    Map<String, String> pledgeEnv =
        new LinkedHashMap<>(
            request.object().kratixEnv(request.action(), request.pipeline().name()));
    if (request.object().dryRun()) {
      // A stage must not be able to make a dry run look like a real one.
      pledgeEnv.put(WorkflowObject.DRY_RUN_ENV, "true");
    }
    LaunchPlan plan;
    try {
      plan = LaunchPlan.forContainer(container, image, pledgeEnv);
    } catch (LaunchPlan.LaunchException e) {
      return new Attempt(
          new PipelineOutcome.Failed(
              container.name(), null, "image " + container.image() + ": " + e.getMessage(), null),
          false);
    }
    StageSpec spec =
        plan.stage(container.name(), image.rootfs(), folders, network, stageTimeout, stageLimits);
    StageResult result = executor.run(spec, cancelled);
    listener.containerFinished(container.name(), result, attempt);
    if (result.cancelled()) {
      return new Attempt(new PipelineOutcome.Cancelled(), false);
    }
    if (!result.succeeded()) {
      return new Attempt(
          new PipelineOutcome.Failed(
              container.name(),
              result.exitCode(),
              result.failureReason(container.name(), stageTimeout),
              stderrTail(result.stderr())),
          result.startError() == null);
    }
    Optional<String> violation =
        inspector
            .violation(folders.output(), RunFolders.OUTPUT)
            .or(() -> inspector.violation(folders.metadata(), RunFolders.METADATA));
    if (violation.isPresent()) {
      return new Attempt(
          new PipelineOutcome.Failed(
              container.name(), result.exitCode(), violation.get(), stderrTail(result.stderr())),
          true);
    }
    return null;
  }

  /** Reads what the pipeline left, once every container is done. */
  private PipelineOutcome collect(Request request, RunFolders folders)
      throws PipelineFailure, IOException {
    WorkflowControl control = WorkflowControl.parse(readMetadata(folders, WorkflowControl.FILE));
    ObjectNode status = StatusMerge.parse(readMetadata(folders, StatusMerge.FILE));
    ArrayNode notifications =
        NotificationsFile.parse(readMetadata(folders, NotificationsFile.FILE));
    if (control != null && control.suspendsOrRetries()) {
      return new PipelineOutcome.Suspended(control, status);
    }
    if (!WorkflowRef.CONFIGURE.equals(request.action())) {
      // Delete pipelines' output is ignored, as Kratix runs no work-writer for them.
      return new PipelineOutcome.Succeeded(status, List.of(), notifications);
    }
    List<DestinationSelectorsFile.Entry> selectors =
        DestinationSelectorsFile.parse(readMetadata(folders, DestinationSelectorsFile.NAME));
    OutputTree output = OutputInspector.read(folders.output());
    List<WorkloadGroup> groups =
        WorkCreator.groups(
            output, selectors, request.object().workflowType(), request.promiseSelectors());
    return new PipelineOutcome.Succeeded(status, groups, notifications);
  }

  private static String readMetadata(RunFolders folders, String name) throws IOException {
    Path file = folders.metadata().resolve(name);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  static boolean wantsNetwork(Pipeline pipeline) {
    if (pipeline.metadata() == null) {
      return false;
    }
    Map<String, String> labels = pipeline.metadata().labels();
    Map<String, String> annotations = pipeline.metadata().annotations();
    return (labels != null && "true".equals(labels.get(NETWORK_OPT_IN)))
        || (annotations != null && "true".equals(annotations.get(NETWORK_OPT_IN)));
  }

  /** The last lines of a stage's stderr, for PIPELINE_FAILED. */
  static String stderrTail(String stderr) {
    if (stderr == null || stderr.isEmpty()) {
      return null;
    }
    String text = stderr.endsWith("\n") ? stderr.substring(0, stderr.length() - 1) : stderr;
    String[] lines = text.split("\n", -1);
    int from = Math.max(0, lines.length - STDERR_TAIL_LINES);
    String tail = String.join("\n", java.util.Arrays.asList(lines).subList(from, lines.length));
    return tail.length() > STDERR_TAIL_CHARS
        ? tail.substring(tail.length() - STDERR_TAIL_CHARS)
        : tail;
  }
}
