package io.pledge.contract.pipeline;

import java.util.List;

/**
 * Every pipeline of a workflow succeeded.
 *
 * @param workflow the workflow run
 * @param works the names of the pipelines whose Works were published for this generation; the
 *     resource is Reconciled once each of them is committed
 */
public record WorkflowCompleted(WorkflowRef workflow, List<String> works) {}
