package io.pledge.runner.dryrun;

import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.runner.RunnerBeans;
import io.pledge.runner.config.RunnerConfig;
import io.pledge.runner.workflow.PipelineRunner;
import io.pledge.runner.workflow.PromiseRegistry;
import io.pledge.runner.workflow.WorkflowRunner;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Runs a resource's configure workflow as a dry run: the runner's own {@link WorkflowRunner} and
 * {@link PipelineRunner} (same executor, images and sandbox), but with run folders of their own
 * under {@code <work-dir>/dry-runs}, {@code KRATIX_DRY_RUN=true} in every container, one attempt
 * per pipeline, and every event kept in memory instead of published.
 */
@ApplicationScoped
public class DryRunWorkflow {

  /** Events are kept in memory and acknowledged at once: this bound is never reached. */
  private static final Duration IN_MEMORY_PUBLISH = Duration.ofSeconds(5);

  @Inject PipelineRunner runner;
  @Inject RunnerConfig config;

  private PipelineRunner pipelines;

  @PostConstruct
  void init() {
    pipelines = runner.forDryRuns(Path.of(config.workDir()).resolve("dry-runs"));
  }

  /**
   * Runs the workflow and tells what it rendered.
   *
   * @param startedNanos when the runner took the request ({@link System#nanoTime()}), for the
   *     answer's duration
   * @throws WorkflowRunner.CancelledException when {@code cancelled} turned true meanwhile
   */
  public DryRunCompleted run(
      DryRunRequested request,
      PromiseRegistry.Entry promise,
      BooleanSupplier cancelled,
      long startedNanos) {
    DryRunEvents events = new DryRunEvents();
    WorkflowRunner workflow =
        new WorkflowRunner(pipelines, events, IN_MEMORY_PUBLISH)
            .withRetryPolicy(RunnerBeans.retryPolicy(config));
    try {
      workflow.configureResource(
          request.key(),
          request.generation(),
          request.resource(),
          promise.promise(),
          "dry-run/" + request.correlationId(),
          null,
          cancelled);
    } catch (WorkflowRunner.RetryLaterException e) {
      // The pipeline asked to run again later: its PIPELINE_FAILED ("suspended: retry after ...")
      // was recorded, and a dry run reports that rather than waiting.
    }
    return DryRunReport.of(
        request,
        promise.generation(),
        events.recorded(),
        Duration.ofNanos(System.nanoTime() - startedNanos).toMillis());
  }
}
