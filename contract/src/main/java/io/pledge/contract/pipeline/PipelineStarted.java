package io.pledge.contract.pipeline;

/**
 * A pipeline of a workflow started.
 *
 * @param workflow the workflow run
 * @param pipeline the Pipeline's {@code metadata.name}
 * @param index its position in the workflow, from 0
 * @param total how many pipelines the workflow runs
 * @param attempt 1 for the first try, more on retries
 */
public record PipelineStarted(
    WorkflowRef workflow, String pipeline, int index, int total, int attempt) {}
