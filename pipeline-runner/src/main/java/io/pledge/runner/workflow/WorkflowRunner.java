package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Pipeline;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.work.DestinationSelector;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkWithdrawn;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.runner.outcome.PipelineOutcome;
import io.pledge.runner.outcome.WorkflowControl;
import io.pledge.runner.sandbox.StageResult;
import io.pledge.runner.sandbox.WorkflowObject;
import io.pledge.runner.telemetry.RunnerTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Runs one workflow (a resource's configure or delete, a Promise's configure) pipeline by pipeline
 * and publishes what happens: PIPELINE_STARTED, PIPELINE_LOG, PIPELINE_SUCCEEDED or
 * PIPELINE_FAILED, a Work per configure pipeline, then WORKFLOW_COMPLETED. It returns only when the
 * broker has acknowledged every event, so the caller may then acknowledge the request.
 */
public final class WorkflowRunner {

  private static final Logger LOG = Logger.getLogger(WorkflowRunner.class);

  /** The broker did not take a workflow's events; the whole workflow is run again later. */
  public static final class PublishFailedException extends RuntimeException {
    public PublishFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The run was stopped before it finished (a newer request replaced it). */
  public static final class CancelledException extends RuntimeException {
    public CancelledException() {
      super("workflow run stopped", null, false, false);
    }
  }

  /**
   * Where a resource workflow stopped because a pipeline asked to be re-run later ({@code
   * retryAfter}), to resume it there.
   *
   * @param pipeline index of the pipeline to run again
   * @param status the status as it stood before that pipeline
   * @param completed names of the pipelines that completed before it
   * @param runs how many times that pipeline has run
   */
  public record Resume(int pipeline, ObjectNode status, List<String> completed, int runs) {}

  /**
   * A pipeline asked to be re-run after {@link #delay()}; everything published so far is durable.
   * The job runs again from {@link #resume()} when the delay has passed.
   */
  public static final class RetryLaterException extends WorkflowSequencer.RunLaterException {
    private final transient Resume resume;

    public RetryLaterException(Duration delay, Resume resume) {
      super(delay);
      this.resume = resume;
    }

    public Resume resume() {
      return resume;
    }
  }

  private final PipelineRunner pipelines;
  private final WorkflowEvents events;
  private final Duration publishTimeout;
  private final RunnerTelemetry telemetry;
  private final RetryPolicy retries;

  public WorkflowRunner(PipelineRunner pipelines, WorkflowEvents events, Duration publishTimeout) {
    this(pipelines, events, publishTimeout, RunnerTelemetry.NONE);
  }

  /**
   * @param telemetry traces and times the runs' pipelines
   */
  public WorkflowRunner(
      PipelineRunner pipelines,
      WorkflowEvents events,
      Duration publishTimeout,
      RunnerTelemetry telemetry) {
    this(pipelines, events, publishTimeout, telemetry, RetryPolicy.DEFAULT);
  }

  private WorkflowRunner(
      PipelineRunner pipelines,
      WorkflowEvents events,
      Duration publishTimeout,
      RunnerTelemetry telemetry,
      RetryPolicy retries) {
    this.pipelines = pipelines;
    this.events = events;
    this.publishTimeout = publishTimeout;
    this.telemetry = telemetry;
    this.retries = retries;
  }

  /** This runner, bounding {@code retryAfter} re-runs by {@code policy}. */
  public WorkflowRunner withRetryPolicy(RetryPolicy policy) {
    return new WorkflowRunner(pipelines, events, publishTimeout, telemetry, policy);
  }

  /** How the runs are traced and measured (jobs open their workflow's span with it). */
  public RunnerTelemetry telemetry() {
    return telemetry;
  }

  /** A resource's configure workflow; returns whether every pipeline succeeded. */
  public boolean configureResource(
      ResourceKey key,
      long generation,
      JsonNode resource,
      Promise promise,
      BooleanSupplier cancelled) {
    return configureResource(key, generation, resource, promise, "", null, cancelled);
  }

  /**
   * A resource's configure workflow; returns whether every pipeline succeeded.
   *
   * @param trigger identifies what asked for this run (the request record's event id): the same
   *     when the record is delivered again, so a Kubernetes Job already started is found again
   * @param resume where to start again after a {@link RetryLaterException}; null to start at 0
   * @throws RetryLaterException when a pipeline asks to be re-run later
   */
  public boolean configureResource(
      ResourceKey key,
      long generation,
      JsonNode resource,
      Promise promise,
      String trigger,
      Resume resume,
      BooleanSupplier cancelled) {
    WorkflowObject object = WorkflowObject.resource(key, resource, promise);
    WorkflowRef ref =
        new WorkflowRef(key.toString(), WorkflowRef.RESOURCE, WorkflowRef.CONFIGURE, generation);
    Run run = new Run(ref, trigger, cancelled);
    run.resume = resume;
    boolean completed =
        run.configurePipelines(
            object,
            promise.pipelines(WorkflowRef.RESOURCE, WorkflowRef.CONFIGURE),
            promise.squashedDestinationSelectors(),
            (pipeline, groups) ->
                new Work(
                    key.toString(),
                    Work.RESOURCE,
                    key.promise(),
                    key.namespace(),
                    key.name(),
                    pipeline,
                    generation,
                    groups));
    run.awaitAll();
    return completed;
  }

  /**
   * A resource's delete: its first delete pipeline (output ignored), then its Works withdrawn.
   * {@code promise} is null when the Promise itself is gone: then only the Works are withdrawn.
   */
  public boolean deleteResource(
      ResourceKey key,
      long generation,
      JsonNode resource,
      Promise promise,
      BooleanSupplier cancelled) {
    WorkflowRef ref =
        new WorkflowRef(key.toString(), WorkflowRef.RESOURCE, WorkflowRef.DELETE, generation);
    Run run = new Run(ref, "", cancelled);
    List<Pipeline> deletes =
        promise == null ? List.of() : promise.pipelines(WorkflowRef.RESOURCE, WorkflowRef.DELETE);
    if (!deletes.isEmpty()) {
      WorkflowObject object = WorkflowObject.resource(key, resource, promise);
      PipelineOutcome outcome =
          run.pipeline(object, deletes.get(0), 0, 1, object.initialStatus(), Map.of());
      if (!(outcome instanceof PipelineOutcome.Succeeded succeeded)) {
        run.awaitAll();
        return false;
      }
      run.publish(
          EventType.PIPELINE_SUCCEEDED,
          new PipelineSucceeded(
              ref,
              deletes.get(0).name(),
              0,
              1,
              succeeded.status(),
              0,
              null,
              succeeded.containers()));
    }
    run.publish(
        EventType.WORK_WITHDRAWN,
        new WorkWithdrawn(key.toString(), Work.RESOURCE, key.promise(), generation, List.of()));
    run.publish(EventType.WORKFLOW_COMPLETED, new WorkflowCompleted(ref, List.of()));
    run.awaitAll();
    return true;
  }

  /**
   * A Promise's configure workflow: its dependencies as a static Work, its promise.configure
   * pipelines with a promise Work each, then WORKFLOW_COMPLETED. Returns whether it completed (the
   * Promise is then Available).
   */
  public boolean configurePromise(
      String name, long generation, Promise promise, JsonNode document, BooleanSupplier cancelled) {
    WorkflowRef ref = new WorkflowRef(name, WorkflowRef.PROMISE, WorkflowRef.CONFIGURE, generation);
    Run run = new Run(ref, "", cancelled);
    List<JsonNode> dependencies =
        promise.spec() == null || promise.spec().dependencies() == null
            ? List.of()
            : promise.spec().dependencies();
    if (!dependencies.isEmpty()) {
      run.publishWork(dependenciesWork(name, generation, dependencies, promise), null);
    } else if (generation > 1) {
      // An earlier generation may have had dependencies; Kratix deletes that Work.
      run.publish(
          EventType.WORK_WITHDRAWN,
          new WorkWithdrawn(name, Work.STATIC_DEPENDENCY, name, generation, List.of()));
    }
    WorkflowObject object = WorkflowObject.promise(name, document);
    boolean completed =
        run.configurePipelines(
            object,
            promise.pipelines(WorkflowRef.PROMISE, WorkflowRef.CONFIGURE),
            promise.squashedDestinationSelectors(),
            (pipeline, groups) ->
                new Work(name, Work.PROMISE, name, null, null, pipeline, generation, groups));
    run.awaitAll();
    return completed;
  }

  /**
   * A Promise's deletion: its first promise.delete pipeline (output ignored), then its promise and
   * static-dependency Works withdrawn, then WORKFLOW_COMPLETED for the delete.
   */
  public boolean deletePromise(
      String name, long generation, Promise promise, JsonNode document, BooleanSupplier cancelled) {
    WorkflowRef ref = new WorkflowRef(name, WorkflowRef.PROMISE, WorkflowRef.DELETE, generation);
    Run run = new Run(ref, "", cancelled);
    List<Pipeline> deletes =
        promise == null ? List.of() : promise.pipelines(WorkflowRef.PROMISE, WorkflowRef.DELETE);
    if (!deletes.isEmpty()) {
      WorkflowObject object = WorkflowObject.promise(name, document);
      PipelineOutcome outcome =
          run.pipeline(object, deletes.get(0), 0, 1, object.initialStatus(), Map.of());
      if (!(outcome instanceof PipelineOutcome.Succeeded succeeded)) {
        run.awaitAll();
        return false;
      }
      run.publish(
          EventType.PIPELINE_SUCCEEDED,
          new PipelineSucceeded(
              ref,
              deletes.get(0).name(),
              0,
              1,
              StatusMerge.promiseStatus(succeeded.status()),
              0,
              null,
              succeeded.containers()));
    }
    for (String workType : List.of(Work.PROMISE, Work.STATIC_DEPENDENCY)) {
      run.publish(
          EventType.WORK_WITHDRAWN, new WorkWithdrawn(name, workType, name, generation, List.of()));
    }
    run.publish(EventType.WORKFLOW_COMPLETED, new WorkflowCompleted(ref, List.of()));
    run.awaitAll();
    return true;
  }

  /**
   * The static-dependency Work: one default group holding {@code
   * static/<promise>-dependencies.yaml} with every dependency, scheduled by the Promise's
   * selectors.
   */
  static Work dependenciesWork(
      String name, long generation, List<JsonNode> dependencies, Promise promise) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < dependencies.size(); i++) {
      if (i > 0) {
        yaml.append("---\n");
      }
      yaml.append(KratixDocuments.toYaml(dependencies.get(i)));
    }
    Map<String, String> selectors = promise.squashedDestinationSelectors();
    WorkloadGroup group =
        new WorkloadGroup(
            WorkCreator.md5Hex(DestinationSelectorsFile.ROOT),
            DestinationSelectorsFile.ROOT,
            selectors.isEmpty()
                ? List.of()
                : List.of(new DestinationSelector(selectors, DestinationSelector.PROMISE)),
            List.of(
                Workload.of(
                    "static/" + name + "-dependencies.yaml",
                    yaml.toString().getBytes(StandardCharsets.UTF_8))));
    return new Work(
        name, Work.STATIC_DEPENDENCY, name, null, null, null, generation, List.of(group));
  }

  private interface WorkFactory {
    Work work(String pipeline, List<WorkloadGroup> groups);
  }

  /** One workflow run: its reference, its cancellation and the events it published. */
  private final class Run {
    private final WorkflowRef ref;
    private final BooleanSupplier cancelled;
    private final String trigger;
    private final List<CompletableFuture<Void>> published = new ArrayList<>();
    private Resume resume;

    Run(WorkflowRef ref, String trigger, BooleanSupplier cancelled) {
      this.ref = ref;
      this.trigger = trigger == null ? "" : trigger;
      this.cancelled = cancelled;
    }

    boolean configurePipelines(
        WorkflowObject object,
        List<Pipeline> list,
        Map<String, String> promiseSelectors,
        WorkFactory works) {
      ObjectNode status = resume == null ? object.initialStatus() : resume.status().deepCopy();
      boolean promiseWorkflow = WorkflowRef.PROMISE.equals(ref.workflowType());
      List<String> names = new ArrayList<>(resume == null ? List.of() : resume.completed());
      int first = resume == null ? 0 : resume.pipeline();
      for (int i = first; i < list.size(); i++) {
        Pipeline pipeline = list.get(i);
        int runs = resume != null && i == resume.pipeline() ? resume.runs() : 0;
        PipelineOutcome outcome =
            pipeline(object, pipeline, i, list.size(), status, promiseSelectors, runs);
        if (outcome instanceof PipelineOutcome.Suspended s
            && s.control().retryAfter() != null
            && !promiseWorkflow) {
          retryLater(s.control(), new Resume(i, status, List.copyOf(names), runs + 1));
        }
        if (!(outcome instanceof PipelineOutcome.Succeeded succeeded)) {
          return false;
        }
        ObjectNode written =
            promiseWorkflow ? StatusMerge.promiseStatus(succeeded.status()) : succeeded.status();
        status = StatusMerge.merge(status, written);
        publish(
            EventType.PIPELINE_SUCCEEDED,
            new PipelineSucceeded(
                ref,
                pipeline.name(),
                i,
                list.size(),
                written,
                succeeded.groups().size(),
                succeeded.notifications(),
                succeeded.containers()));
        if (!publishWork(works.work(pipeline.name(), succeeded.groups()), pipeline.name())) {
          return false;
        }
        names.add(pipeline.name());
      }
      publish(EventType.WORKFLOW_COMPLETED, new WorkflowCompleted(ref, List.copyOf(names)));
      return true;
    }

    /**
     * The pipeline asked to run again later: unless it reached its {@code maxAttempts} or the
     * default limit (then its PIPELINE_FAILED says so and the workflow fails), wait for what was
     * published and hand the job back to the sequencer to resume here after the delay, never
     * shorter than the policy's minimum.
     */
    void retryLater(WorkflowControl control, Resume next) {
      if (retries.exhausted(control, next.runs()) != null) {
        return;
      }
      awaitAll();
      throw new RetryLaterException(retries.delay(control), next);
    }

    PipelineOutcome pipeline(
        WorkflowObject object,
        Pipeline pipeline,
        int index,
        int total,
        ObjectNode status,
        Map<String, String> promiseSelectors) {
      return pipeline(object, pipeline, index, total, status, promiseSelectors, 0);
    }

    /** Runs one pipeline, publishing its start, logs and failure; not its success. */
    PipelineOutcome pipeline(
        WorkflowObject object,
        Pipeline pipeline,
        int index,
        int total,
        ObjectNode status,
        Map<String, String> promiseSelectors,
        int runs) {
      if (cancelled.getAsBoolean()) {
        throw new CancelledException();
      }
      MDC.put("pipeline", pipeline.name());
      RunnerTelemetry.Traced traced =
          telemetry.pipeline(object.promiseName(), pipeline.name(), index, total);
      try {
        PipelineRunner.Listener listener =
            new PipelineRunner.Listener() {
              @Override
              public void attemptStarted(int attempt) {
                publish(
                    EventType.PIPELINE_STARTED,
                    new PipelineStarted(ref, pipeline.name(), index, total, attempt));
              }

              @Override
              public void containerFinished(String container, StageResult result, int attempt) {
                publishLog(pipeline.name(), container, result);
              }
            };
        PipelineOutcome outcome =
            pipelines.run(
                new PipelineRunner.Request(
                    object,
                    ref.action(),
                    pipeline,
                    status,
                    promiseSelectors,
                    trigger + "/" + ref.generation() + "/" + index + "/" + runs),
                listener,
                cancelled);
        traced.outcome(outcome);
        if (outcome instanceof PipelineOutcome.Cancelled) {
          throw new CancelledException();
        } else if (outcome instanceof PipelineOutcome.Failed f) {
          LOG.warnf("pipeline %s failed: %s", pipeline.name(), f.reason());
          publish(
              EventType.PIPELINE_FAILED,
              new PipelineFailed(
                  ref,
                  pipeline.name(),
                  f.container(),
                  f.exitCode(),
                  f.reason(),
                  f.stderrTail(),
                  f.containers()));
        } else if (outcome instanceof PipelineOutcome.Suspended s) {
          // The contract has no "suspended" event yet: report it as a failure whose reason
          // starts with "suspended", and produce no Work, as Kratix does.
          String reason;
          if (s.control().retryAfter() == null) {
            reason = "suspended";
          } else {
            String exhausted = retries.exhausted(s.control(), runs + 1);
            reason = exhausted != null ? exhausted : retries.retrying(s.control(), runs + 1);
          }
          if (!s.control().message().isBlank()) {
            reason += ": " + s.control().message();
          }
          LOG.infof("pipeline %s %s", pipeline.name(), reason);
          publish(
              EventType.PIPELINE_FAILED,
              new PipelineFailed(ref, pipeline.name(), null, null, reason, null));
        }
        return outcome;
      } finally {
        traced.close();
        MDC.remove("pipeline");
      }
    }

    private void publishLog(String pipeline, String container, StageResult result) {
      publish(
          EventType.PIPELINE_LOG,
          new PipelineLog(
              ref,
              pipeline,
              container,
              result.stdout(),
              result.startError() != null ? result.startError() : result.stderr(),
              result.exitCode(),
              result.truncated()));
    }

    /**
     * Publishes a Work and waits for the broker: a Work too large for it fails the pipeline instead
     * of failing the workflow forever.
     */
    boolean publishWork(Work work, String pipeline) {
      CompletableFuture<Void> sent = events.publish(EventType.WORK_UPSERTED, ref.key(), work);
      try {
        sent.get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (ExecutionException e) {
        if (tooLarge(e.getCause())) {
          publish(
              EventType.PIPELINE_FAILED,
              new PipelineFailed(
                  ref,
                  pipeline,
                  null,
                  null,
                  "the Work is too large for the broker: " + e.getCause().getMessage(),
                  null));
          return false;
        }
        throw new PublishFailedException("the broker did not take a Work", e.getCause());
      } catch (TimeoutException e) {
        throw new PublishFailedException("the broker did not acknowledge a Work in time", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException();
      }
    }

    void publish(EventType type, Object data) {
      published.add(events.publish(type, ref.key(), data));
    }

    /** Waits until the broker has every event of this run. */
    void awaitAll() {
      try {
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new))
            .get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new PublishFailedException("the broker did not take an event", e.getCause());
      } catch (TimeoutException e) {
        throw new PublishFailedException("the broker did not acknowledge events in time", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException();
      }
    }
  }

  private static boolean tooLarge(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getClass().getName().endsWith("RecordTooLargeException")) {
        return true;
      }
    }
    return false;
  }
}
