package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.context.Context;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.RequiredPromises;
import io.pledge.runner.telemetry.RunnerTelemetry;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** A resource's configure or delete workflow, for one accepted request. */
public final class ResourceJob implements WorkflowSequencer.Job {

  private static final Logger LOG = Logger.getLogger(ResourceJob.class);

  /** What the request asks. */
  public enum Action {
    CONFIGURE,
    DELETE
  }

  private final ResourceKey key;
  private final long generation;
  private final JsonNode resource;
  private final Action action;
  private final PromiseRegistry promises;
  private final WorkflowRunner runner;
  private final Runnable acknowledge;
  private final String trigger;
  private final boolean rerun;
  private final ResourceIndex index;
  private WorkflowRunner.Resume resume;
  private Context trace = Context.root();
  private int partition = -1;

  /**
   * @param acknowledge called once the request is done with (finished or replaced)
   */
  public ResourceJob(
      ResourceKey key,
      long generation,
      JsonNode resource,
      Action action,
      PromiseRegistry promises,
      WorkflowRunner runner,
      Runnable acknowledge) {
    this(key, generation, resource, action, promises, runner, acknowledge, "", false, null);
  }

  /**
   * @param trigger the id of the event that asked for this run: the same when it is delivered again
   * @param rerun a re-run at the same generation (RECONCILE_REQUESTED): it stops a running
   *     configure of its key so the workflow starts again from pipeline 0
   * @param index where finished runs are recorded (for Promise-change and periodic re-runs); a
   *     re-run the index says is stale or done already is skipped. Null: none.
   */
  public ResourceJob(
      ResourceKey key,
      long generation,
      JsonNode resource,
      Action action,
      PromiseRegistry promises,
      WorkflowRunner runner,
      Runnable acknowledge,
      String trigger,
      boolean rerun,
      ResourceIndex index) {
    this.index = index;
    this.trigger = trigger == null ? "" : trigger;
    this.rerun = rerun;
    this.key = key;
    this.generation = generation;
    this.resource = resource;
    this.action = action;
    this.promises = promises;
    this.runner = runner;
    this.acknowledge = acknowledge;
  }

  public ResourceKey key() {
    return key;
  }

  /** The trace of the request record: the workflow run is a span in it. */
  public ResourceJob traceParent(Context parent) {
    this.trace = parent == null ? Context.root() : parent;
    return this;
  }

  /**
   * The partition the request was read from: its jobs stop when that partition moves to another
   * instance.
   */
  public ResourceJob fromPartition(int partition) {
    this.partition = partition;
    return this;
  }

  @Override
  public int partition() {
    return partition;
  }

  public long generation() {
    return generation;
  }

  public Action action() {
    return action;
  }

  @Override
  public String lane() {
    return key.toString();
  }

  /**
   * The Promise this request waits for: a configure needs it and its requiredPromises Available; a
   * delete only needs to know it (or that it is gone).
   */
  public String waitingFor() {
    if (index != null && !index.caughtUp()) {
      return ResourceIndex.GATE;
    }
    Optional<PromiseRegistry.Entry> entry = promises.get(key.promise());
    if (action == Action.DELETE) {
      return entry.isPresent() || promises.isDeleted(key.promise()) ? null : key.promise();
    }
    if (!entry.map(PromiseRegistry.Entry::available).orElse(false)) {
      return key.promise();
    }
    // Kratix holds the requests of a Promise whose requiredPromises are not all Available: wait
    // for the Promise that holds them up; its change wakes this job to look again.
    return RequiredPromises.blocker(
            entry.get().promise(),
            name ->
                promises.get(name).map(e -> new RequiredPromises.Known(e.promise(), e.available())))
        .orElse(null);
  }

  @Override
  public void run(BooleanSupplier cancelled) {
    MDC.put("generation", Long.toString(generation));
    RunnerTelemetry.Traced workflow =
        runner
            .telemetry()
            .workflow(
                trace,
                key.toString(),
                "resource",
                action == Action.DELETE ? "delete" : "configure",
                generation);
    try {
      Optional<PromiseRegistry.Entry> entry = promises.get(key.promise());
      if (action == Action.DELETE) {
        boolean deleted =
            runner.deleteResource(
                key,
                generation,
                resource,
                entry.map(PromiseRegistry.Entry::promise).orElse(null),
                cancelled);
        if (deleted && index != null) {
          index.forget(key);
        }
      } else if (entry.isPresent()) {
        String stale = stale();
        if (stale != null) {
          LOG.infof("%s of %s skipped: %s", rerun ? "re-run" : "request", key, stale);
          return;
        }
        try {
          runner.configureResource(
              key, generation, resource, entry.get().promise(), trigger, resume, cancelled);
        } catch (WorkflowRunner.RetryLaterException e) {
          resume = e.resume();
          throw e;
        }
        if (index != null) {
          index.record(new ResourceIndex.Entry(key, generation, resource, trigger, Instant.now()));
        }
      } else {
        LOG.warnf("Promise %s was deleted; request %s is not configured", key.promise(), key);
      }
    } finally {
      workflow.close();
      MDC.remove("generation");
    }
  }

  /**
   * Why this configure should not run, by the index of finished runs; null when it should.
   *
   * <ul>
   *   <li>A newer generation of the resource ran already: a request delivered again after its
   *       partition moved (the previous owner ran it, and later ones, but had not committed its
   *       offset before it died) would otherwise run an old generation over a newer one, and the
   *       writer would commit the older output after the newer.
   *   <li>The same event ran already (its id is the index's last trigger): a request delivered
   *       again, or a copy of a Promise-change or periodic re-run published by several instances.
   *   <li>An automatic re-run of a resource no workflow ran for (deleted meanwhile).
   * </ul>
   *
   * A person's manual reconcile always runs.
   */
  private String stale() {
    if (index == null || (rerun && !automatic())) {
      return null;
    }
    Optional<ResourceIndex.Entry> last = index.get(key);
    if (last.isEmpty()) {
      return rerun ? "no workflow of this resource ran before (deleted?)" : null;
    }
    if (last.get().generation() > generation) {
      return "generation " + last.get().generation() + " ran since";
    }
    if (!trigger.isEmpty() && trigger.equals(last.get().lastTrigger())) {
      return rerun ? "a copy of this re-run ran already" : "it ran already (delivered again)";
    }
    return null;
  }

  /** Re-runs the runner publishes itself (not a person's manual reconcile). */
  private boolean automatic() {
    return trigger.startsWith(PROMISE_CHANGED) || trigger.startsWith(PERIODIC);
  }

  /** Event id prefix of the re-runs published after a Promise change. */
  public static final String PROMISE_CHANGED = "promise-changed-";

  /** Event id prefix of the periodic re-runs. */
  public static final String PERIODIC = "periodic-";

  public boolean rerun() {
    return rerun;
  }

  public String trigger() {
    return trigger;
  }

  @Override
  public boolean replaces(WorkflowSequencer.Job older) {
    if (!(older instanceof ResourceJob o) || !o.lane().equals(lane())) {
      return false;
    }
    if (action == Action.DELETE) {
      return true;
    }
    return o.action == Action.CONFIGURE && generation >= o.generation;
  }

  @Override
  public boolean interrupts(WorkflowSequencer.Job running) {
    if (!(running instanceof ResourceJob o) || o.action != Action.CONFIGURE) {
      return false;
    }
    return action == Action.DELETE
        || generation > o.generation
        || (rerun && generation == o.generation && !trigger.equals(o.trigger));
  }

  @Override
  public void finished() {
    acknowledge.run();
  }

  @Override
  public void dropped() {
    acknowledge.run();
  }

  @Override
  public boolean bounded() {
    return true;
  }

  @Override
  public String toString() {
    return action.name().toLowerCase(java.util.Locale.ROOT)
        + " "
        + key
        + " generation "
        + generation;
  }
}
