package io.pledge.runner.dryrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.contract.event.EventType;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.runner.workflow.StatusMerge;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the events a dry-run workflow would have published (kept in memory, never sent) into its
 * answer: per pipeline its status.yaml, its Work as readable files and its containers' output, the
 * resource's status after the merge, and the failure if there was one.
 */
public final class DryRunReport {

  /** Most characters kept of each of a container's stdout and stderr in an answer (the tail). */
  static final int MAX_STREAM_CHARS = 16 * 1024;

  /** Kratix reports a suspension (workflow-control.yaml) with a reason starting so. */
  private static final String SUSPENDED_REASON = "suspended";

  /** One event the workflow would have published, in publication order. */
  public record Recorded(EventType type, Object data) {}

  private DryRunReport() {}

  /**
   * @param request what was asked
   * @param promiseGeneration the generation of the Promise whose pipelines ran
   * @param events what the workflow would have published, in order
   * @param durationMillis how long the runner took
   */
  public static DryRunCompleted of(
      DryRunRequested request, long promiseGeneration, List<Recorded> events, long durationMillis) {
    Map<String, PipelineRun> pipelines = new LinkedHashMap<>();
    ObjectNode status = initialStatus(request.resource());
    DryRunCompleted.Failure failure = null;
    boolean completed = false;
    boolean suspended = false;
    String message = null;
    for (Recorded event : events) {
      switch (event.type()) {
        case PIPELINE_STARTED -> {
          // A new attempt starts over: only the last attempt's containers are shown.
          PipelineStarted started = (PipelineStarted) event.data();
          pipelines.computeIfAbsent(started.pipeline(), PipelineRun::new).containers.clear();
        }
        case PIPELINE_LOG -> {
          PipelineLog log = (PipelineLog) event.data();
          pipelines
              .computeIfAbsent(log.pipeline(), PipelineRun::new)
              .containers
              .add(container(log));
        }
        case PIPELINE_SUCCEEDED -> {
          PipelineSucceeded succeeded = (PipelineSucceeded) event.data();
          PipelineRun run = pipelines.computeIfAbsent(succeeded.pipeline(), PipelineRun::new);
          run.phase = DryRunCompleted.SUCCEEDED;
          run.status = succeeded.status();
          if (succeeded.status() instanceof ObjectNode written) {
            status = StatusMerge.merge(status, written);
          }
        }
        case WORK_UPSERTED -> {
          Work work = (Work) event.data();
          if (work.pipeline() != null) {
            pipelines.computeIfAbsent(work.pipeline(), PipelineRun::new).groups =
                work.workloadGroups().stream().map(DryRunReport::group).toList();
          }
        }
        case PIPELINE_FAILED -> {
          PipelineFailed failed = (PipelineFailed) event.data();
          PipelineRun run = pipelines.computeIfAbsent(failed.pipeline(), PipelineRun::new);
          message = failed.reason();
          if (failed.container() == null && failed.reason().startsWith(SUSPENDED_REASON)) {
            run.phase = DryRunCompleted.SUSPENDED;
            suspended = true;
          } else {
            run.phase = DryRunCompleted.FAILED;
            failure =
                new DryRunCompleted.Failure(
                    failed.pipeline(),
                    failed.container(),
                    failed.exitCode(),
                    failed.reason(),
                    failed.stderrTail());
          }
        }
        case WORKFLOW_COMPLETED -> completed = true;
        default -> {
          // Nothing else of a configure workflow matters to the answer.
        }
      }
    }
    String outcome;
    if (failure != null) {
      outcome = DryRunCompleted.FAILED;
    } else if (suspended) {
      outcome = DryRunCompleted.SUSPENDED;
    } else if (completed) {
      outcome = DryRunCompleted.SUCCEEDED;
    } else {
      outcome = DryRunCompleted.FAILED;
      message = "the workflow stopped without completing";
    }
    return new DryRunCompleted(
        request.correlationId(),
        request.key(),
        request.generation(),
        outcome,
        message,
        promiseGeneration,
        pipelines.values().stream().map(PipelineRun::done).toList(),
        status,
        failure,
        durationMillis);
  }

  /**
   * The same answer without its files, failed, saying why: for an answer too large for the broker.
   */
  public static DryRunCompleted withoutFiles(DryRunCompleted answer, String reason) {
    List<DryRunCompleted.Pipeline> pipelines =
        answer.pipelines().stream()
            .map(
                p ->
                    new DryRunCompleted.Pipeline(
                        p.name(), p.phase(), p.status(), List.of(), p.containers()))
            .toList();
    String last = pipelines.isEmpty() ? "" : pipelines.get(pipelines.size() - 1).name();
    return new DryRunCompleted(
        answer.correlationId(),
        answer.key(),
        answer.generation(),
        DryRunCompleted.FAILED,
        reason,
        answer.promiseGeneration(),
        pipelines,
        answer.status(),
        new DryRunCompleted.Failure(last, null, null, reason, null),
        answer.durationMillis());
  }

  /** A file's text, or base64 of its bytes when they are not UTF-8. */
  static DryRunCompleted.File file(String path, byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return new DryRunCompleted.File(path, text, DryRunCompleted.File.UTF_8);
    } catch (CharacterCodingException e) {
      return new DryRunCompleted.File(
          path, Base64.getEncoder().encodeToString(bytes), DryRunCompleted.File.BASE64);
    }
  }

  private static DryRunCompleted.WorkloadGroup group(WorkloadGroup group) {
    List<DryRunCompleted.File> files = new ArrayList<>();
    for (Workload workload : group.workloads()) {
      files.add(file(workload.filepath(), workload.bytes()));
    }
    return new DryRunCompleted.WorkloadGroup(
        group.id(),
        group.directory(),
        group.destinationSelectors() == null ? List.of() : group.destinationSelectors(),
        files);
  }

  private static DryRunCompleted.Container container(PipelineLog log) {
    String stdout = tail(log.stdout());
    String stderr = tail(log.stderr());
    boolean cut =
        log.truncated()
            || !java.util.Objects.equals(stdout, log.stdout())
            || !java.util.Objects.equals(stderr, log.stderr());
    return new DryRunCompleted.Container(log.container(), log.exitCode(), stdout, stderr, cut);
  }

  static String tail(String text) {
    if (text == null || text.length() <= MAX_STREAM_CHARS) {
      return text;
    }
    return text.substring(text.length() - MAX_STREAM_CHARS);
  }

  private static ObjectNode initialStatus(JsonNode resource) {
    JsonNode status = resource == null ? null : resource.get("status");
    return status instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
  }

  /** One pipeline's run as the events tell it. */
  private static final class PipelineRun {
    final String name;
    final List<DryRunCompleted.Container> containers = new ArrayList<>();
    String phase = DryRunCompleted.FAILED;
    JsonNode status;
    List<DryRunCompleted.WorkloadGroup> groups = List.of();

    PipelineRun(String name) {
      this.name = name;
    }

    DryRunCompleted.Pipeline done() {
      return new DryRunCompleted.Pipeline(name, phase, status, groups, List.copyOf(containers));
    }
  }
}
