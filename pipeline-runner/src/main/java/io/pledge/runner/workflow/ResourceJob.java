package io.pledge.runner.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
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
   * The Promise this request waits for: a configure needs it Available; a delete only needs to know
   * it (or that it is gone).
   */
  public String waitingFor() {
    Optional<PromiseRegistry.Entry> entry = promises.get(key.promise());
    if (action == Action.DELETE) {
      return entry.isPresent() || promises.isDeleted(key.promise()) ? null : key.promise();
    }
    return entry.map(PromiseRegistry.Entry::available).orElse(false) ? null : key.promise();
  }

  @Override
  public void run(BooleanSupplier cancelled) {
    MDC.put("generation", Long.toString(generation));
    try {
      Optional<PromiseRegistry.Entry> entry = promises.get(key.promise());
      if (action == Action.DELETE) {
        runner.deleteResource(
            key,
            generation,
            resource,
            entry.map(PromiseRegistry.Entry::promise).orElse(null),
            cancelled);
      } else if (entry.isPresent()) {
        runner.configureResource(key, generation, resource, entry.get().promise(), cancelled);
      } else {
        LOG.warnf("Promise %s was deleted; request %s is not configured", key.promise(), key);
      }
    } finally {
      MDC.remove("generation");
    }
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
    return action == Action.DELETE || generation > o.generation;
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
