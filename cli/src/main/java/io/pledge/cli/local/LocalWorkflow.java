package io.pledge.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.Pipeline;
import io.pledge.runner.image.ImagePullException;
import io.pledge.runner.image.ImageStore;
import io.pledge.runner.image.LaunchPlan;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.OutputTree;
import io.pledge.runner.sandbox.RunFolders;
import io.pledge.runner.sandbox.StageExecutor;
import io.pledge.runner.sandbox.StageLimits;
import io.pledge.runner.sandbox.StageResult;
import io.pledge.runner.sandbox.WorkflowObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One workflow's pipelines run on this host as pipeline-runner runs them locally: each container's
 * image from the image store, in the bubblewrap sandbox, with the object at {@code
 * /kratix/input/object.yaml}, the pipeline's containers in order over one {@code /kratix/output}
 * and {@code /kratix/metadata}, the Kratix variables set.
 */
public final class LocalWorkflow {

  /** What one pipeline left, or why it stopped. */
  public record PipelineResult(
      String pipeline, String failure, OutputTree output, OutputTree metadata) {
    public boolean succeeded() {
      return failure == null;
    }
  }

  private final ImageStore images;
  private final StageExecutor executor;
  private final OutputInspector inspector;
  private final Path runs;
  private final Duration stageTimeout;
  private final boolean network;

  public LocalWorkflow(
      ImageStore images,
      StageExecutor executor,
      OutputInspector inspector,
      Path runs,
      Duration stageTimeout,
      boolean network) {
    this.images = images;
    this.executor = executor;
    this.inspector = inspector;
    this.runs = runs;
    this.stageTimeout = stageTimeout;
    this.network = network;
  }

  /**
   * Runs {@code pipelines} in order on {@code object}; stops at the first that fails.
   *
   * @param progress one line per container started and finished
   */
  public List<PipelineResult> run(
      WorkflowObject object, String action, List<Pipeline> pipelines, Consumer<String> progress)
      throws IOException {
    List<PipelineResult> results = new java.util.ArrayList<>();
    for (Pipeline pipeline : pipelines) {
      PipelineResult result = runPipeline(object, action, pipeline, progress);
      results.add(result);
      if (!result.succeeded()) {
        break;
      }
    }
    return results;
  }

  private PipelineResult runPipeline(
      WorkflowObject object, String action, Pipeline pipeline, Consumer<String> progress)
      throws IOException {
    RunFolders folders = RunFolders.create(runs, object.name() + "-" + pipeline.name());
    try {
      Files.writeString(folders.input().resolve("object.yaml"), object.objectYaml(null));
      for (Pipeline.Container container : pipeline.containers()) {
        progress.accept(pipeline.name() + "/" + container.name() + ": " + container.image());
        String failure = runContainer(object, action, pipeline, container, folders, progress);
        if (failure != null) {
          return new PipelineResult(pipeline.name(), failure, null, null);
        }
      }
      return new PipelineResult(
          pipeline.name(),
          null,
          OutputInspector.read(folders.output()),
          OutputInspector.read(folders.metadata()));
    } finally {
      folders.delete();
    }
  }

  /** Null when the container succeeded, else why it did not. */
  private String runContainer(
      WorkflowObject object,
      String action,
      Pipeline pipeline,
      Pipeline.Container container,
      RunFolders folders,
      Consumer<String> progress) {
    try (ImageStore.Lease lease =
        images.acquire(container.image(), container.imagePullPolicy(), () -> false)) {
      ImageStore.Image image = lease.image();
      LaunchPlan plan =
          LaunchPlan.forContainer(container, image, object.kratixEnv(action, pipeline.name()));
      StageResult result =
          executor.run(
              plan.stage(
                  container.name(),
                  image.rootfs(),
                  folders,
                  network,
                  stageTimeout,
                  StageLimits.DEFAULTS),
              () -> false);
      progress.accept(
          "  "
              + (result.succeeded() ? "succeeded" : "failed")
              + " in "
              + result.elapsed().toMillis()
              + " ms"
              + (result.stderr().isBlank() ? "" : "; stderr:\n" + indent(result.stderr())));
      if (!result.succeeded()) {
        return result.failureReason(container.name(), stageTimeout);
      }
      return inspector
          .violation(folders.output(), RunFolders.OUTPUT)
          .or(() -> inspector.violation(folders.metadata(), RunFolders.METADATA))
          .orElse(null);
    } catch (ImagePullException e) {
      return "image " + container.image() + ": " + e.getMessage();
    } catch (LaunchPlan.LaunchException e) {
      return "image " + container.image() + ": " + e.getMessage();
    }
  }

  private static String indent(String text) {
    return text.strip().lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  /** The object and the Kratix variables of a resource request of {@code promise}. */
  public static WorkflowObject resource(
      JsonNode request, io.pledge.contract.kratix.Promise promise) {
    String namespace = request.path("metadata").path("namespace").asText("default");
    io.pledge.contract.ResourceKey key =
        new io.pledge.contract.ResourceKey(
            namespace, promise.metadata().name(), request.path("metadata").path("name").asText());
    return WorkflowObject.resource(key, request, promise);
  }
}
