package io.pledge.runner.workflow;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** A Promise's configure workflow for one version of its document, or its delete workflow. */
public final class PromiseJob implements WorkflowSequencer.Job {

  private static final Logger LOG = Logger.getLogger(PromiseJob.class);

  private final PromiseRegistry.Entry entry;
  private final boolean delete;
  private final PromiseRegistry promises;
  private final PromiseLedger ledger;
  private final WorkflowRunner runner;
  private final Consumer<String> onDone;
  private ResourceReruns reruns = (name, digest) -> {};

  /** Re-runs a changed Promise's resources; returns once that is durable. */
  public interface ResourceReruns {
    void promiseChanged(String promise, String digest);
  }

  private PromiseJob(
      PromiseRegistry.Entry entry,
      boolean delete,
      PromiseRegistry promises,
      PromiseLedger ledger,
      WorkflowRunner runner,
      Consumer<String> onDone) {
    this.entry = entry;
    this.delete = delete;
    this.promises = promises;
    this.ledger = ledger;
    this.runner = runner;
    this.onDone = onDone;
  }

  /**
   * Configures the version of a Promise that {@code entry} holds.
   *
   * @param onConfigured told the Promise's name when the workflow ended, so requests waiting for it
   *     look again
   */
  public static PromiseJob configure(
      PromiseRegistry.Entry entry,
      PromiseRegistry promises,
      PromiseLedger ledger,
      WorkflowRunner runner,
      Consumer<String> onConfigured) {
    return new PromiseJob(entry, false, promises, ledger, runner, onConfigured);
  }

  /**
   * Like {@link #configure}; when this version replaces one this instance had configured, its
   * resources are re-run through {@code reruns} before the version is recorded as configured.
   */
  public static PromiseJob configure(
      PromiseRegistry.Entry entry,
      PromiseRegistry promises,
      PromiseLedger ledger,
      WorkflowRunner runner,
      Consumer<String> onConfigured,
      ResourceReruns reruns) {
    PromiseJob job = new PromiseJob(entry, false, promises, ledger, runner, onConfigured);
    job.reruns = reruns;
    return job;
  }

  /** Runs the delete workflow of the Promise {@code entry} held before it was deleted. */
  public static PromiseJob delete(
      PromiseRegistry.Entry entry,
      PromiseRegistry promises,
      PromiseLedger ledger,
      WorkflowRunner runner) {
    return new PromiseJob(entry, true, promises, ledger, runner, name -> {});
  }

  /** Promise lanes never clash with resource keys, which hold two slashes. */
  @Override
  public String lane() {
    return "promise/" + entry.name();
  }

  @Override
  public void run(BooleanSupplier cancelled) {
    MDC.put("generation", Long.toString(entry.generation()));
    io.pledge.runner.telemetry.RunnerTelemetry.Traced workflow =
        runner
            .telemetry()
            .workflow(
                io.opentelemetry.context.Context.root(),
                entry.name(),
                "promise",
                delete ? "delete" : "configure",
                entry.generation());
    try {
      if (delete) {
        if (runner.deletePromise(
            entry.name(), entry.generation(), entry.promise(), entry.document(), cancelled)) {
          ledger.forget(entry.name());
          LOG.infof("Promise %s is deleted and its Works withdrawn", entry.name());
        }
        return;
      }
      boolean configured;
      if (ledger.configured(entry.name(), entry.digest())) {
        LOG.debugf("Promise %s was configured before at this version", entry.name());
        configured = true;
      } else {
        boolean changed = ledger.configuredAnyVersion(entry.name());
        configured =
            runner.configurePromise(
                entry.name(), entry.generation(), entry.promise(), entry.document(), cancelled);
        if (configured) {
          if (changed) {
            // Kratix re-runs every resource of a changed Promise (kratix.md §2.9).
            reruns.promiseChanged(entry.name(), entry.digest());
          }
          ledger.record(entry.name(), entry.digest());
        }
      }
      promises.configured(entry.name(), entry.digest(), configured);
      if (configured) {
        LOG.infof("Promise %s is available (generation %d)", entry.name(), entry.generation());
      }
      onDone.accept(entry.name());
    } finally {
      workflow.close();
      MDC.remove("generation");
    }
  }

  @Override
  public boolean replaces(WorkflowSequencer.Job older) {
    // A deletion never drops a queued deletion; anything else newer wins.
    return older instanceof PromiseJob o && !(o.delete && !delete);
  }

  @Override
  public boolean interrupts(WorkflowSequencer.Job running) {
    if (!(running instanceof PromiseJob o) || o.delete) {
      return false;
    }
    return delete || !o.entry.digest().equals(entry.digest());
  }

  @Override
  public void finished() {}

  @Override
  public void dropped() {}

  @Override
  public boolean bounded() {
    return false;
  }

  @Override
  public String toString() {
    return (delete ? "delete" : "configure")
        + " Promise "
        + entry.name()
        + " generation "
        + entry.generation();
  }
}
