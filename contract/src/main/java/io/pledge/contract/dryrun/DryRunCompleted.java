package io.pledge.contract.dryrun;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.work.DestinationSelector;
import java.util.List;

/**
 * The answer to a {@link DryRunRequested}: what the configure workflow rendered, or why it did not.
 * Nothing of it was committed or published elsewhere.
 *
 * @param correlationId the request's correlation id
 * @param key the resource key
 * @param generation the generation the workflow ran for
 * @param outcome {@link #SUCCEEDED}, {@link #FAILED}, {@link #SUSPENDED} or {@link #UNAVAILABLE}
 * @param message what happened, in words (the failure's reason, the suspension's message, why the
 *     Promise is unavailable); null when it succeeded
 * @param promiseGeneration the generation of the Promise whose pipelines ran, or null when none did
 * @param pipelines every pipeline that ran, in order, the failed or suspended one last
 * @param status the resource's {@code status} after the pipelines that succeeded: each pipeline's
 *     {@code status.yaml} merged as Kratix merges it; an empty object when none wrote one
 * @param failure which pipeline and container failed, when {@code outcome} is {@link #FAILED}
 * @param durationMillis how long the runner took, from taking the request to answering
 */
public record DryRunCompleted(
    String correlationId,
    ResourceKey key,
    long generation,
    String outcome,
    String message,
    Long promiseGeneration,
    List<Pipeline> pipelines,
    JsonNode status,
    Failure failure,
    long durationMillis) {

  /** Every pipeline succeeded; their Works are in {@link #pipelines()}. */
  public static final String SUCCEEDED = "succeeded";

  /** A pipeline failed; {@link #failure()} says which and why. Later pipelines did not run. */
  public static final String FAILED = "failed";

  /** A pipeline asked to suspend or to be retried later (workflow-control.yaml). */
  public static final String SUSPENDED = "suspended";

  /** The runner cannot run the Promise's workflows: unknown to it, deleted, or not Available. */
  public static final String UNAVAILABLE = "promise-unavailable";

  /**
   * One pipeline's run.
   *
   * @param name the Pipeline's name
   * @param phase {@code succeeded}, {@code failed} or {@code suspended}
   * @param status what it wrote to {@code /kratix/metadata/status.yaml}, or null
   * @param workloadGroups the Work it would have produced (none unless it succeeded)
   * @param containers each container that ran, in order, with its output
   */
  public record Pipeline(
      String name,
      String phase,
      JsonNode status,
      List<WorkloadGroup> workloadGroups,
      List<Container> containers) {}

  /**
   * A workload group of the Work a pipeline would have produced.
   *
   * @param id hex md5 of {@code directory}, as in a Work
   * @param directory a top-level directory of {@code /kratix/output}, or {@code .} for the rest
   * @param destinationSelectors the selectors that would schedule it, with their source
   * @param files its files
   */
  public record WorkloadGroup(
      String id,
      String directory,
      List<DestinationSelector> destinationSelectors,
      List<File> files) {}

  /**
   * One rendered file.
   *
   * @param path relative to {@code /kratix/output}
   * @param content the file's text, or base64 of its bytes when {@code encoding} is {@code base64}
   * @param encoding {@code utf-8} (text) or {@code base64} (bytes that are not UTF-8 text)
   */
  public record File(String path, String content, String encoding) {
    public static final String UTF_8 = "utf-8";
    public static final String BASE64 = "base64";
  }

  /**
   * One container's run.
   *
   * @param name the container's name
   * @param exitCode its exit code, or null when it did not start or was killed
   * @param stdout the tail of its standard output
   * @param stderr the tail of its standard error (or why it could not start)
   * @param truncated whether either stream was cut to its tail
   */
  public record Container(
      String name, Integer exitCode, String stdout, String stderr, boolean truncated) {}

  /**
   * Why the workflow failed.
   *
   * @param pipeline the pipeline that failed
   * @param container the container that failed, or null when the failure is the pipeline's (its
   *     output was invalid, its image unknown, ...)
   * @param exitCode the container's exit code, if it exited
   * @param reason why, in words
   * @param stderrTail the last lines of the container's standard error
   */
  public record Failure(
      String pipeline, String container, Integer exitCode, String reason, String stderrTail) {}
}
