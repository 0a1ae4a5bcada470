package io.pledge.runner.workflow;

import io.pledge.runner.outcome.PipelineOutcome;
import io.pledge.runner.sandbox.RunFolders;
import java.util.function.BooleanSupplier;

/**
 * Runs a whole pipeline at once elsewhere (a Kubernetes Job) instead of container by container on
 * this host. It retries failed attempts itself (the Job's {@code backoffLimit}), so {@link
 * PipelineRunner} asks it once per pipeline run.
 */
public interface JobExecutor {

  /**
   * Runs {@code request}'s pipeline with {@code objectYaml} as {@code /kratix/input/object.yaml}.
   * When it succeeds, what the pipeline left in {@code /kratix/output} and {@code /kratix/metadata}
   * is in {@code folders.output()} and {@code folders.metadata()}.
   *
   * @return null when it succeeded, else a {@link PipelineOutcome.Failed} or {@link
   *     PipelineOutcome.Cancelled}
   */
  PipelineOutcome run(
      PipelineRunner.Request request,
      String objectYaml,
      RunFolders folders,
      BooleanSupplier cancelled);
}
