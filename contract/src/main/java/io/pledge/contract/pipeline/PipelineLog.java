package io.pledge.contract.pipeline;

/**
 * Output of one container of one pipeline run, bounded in size.
 *
 * @param workflow the workflow run
 * @param pipeline the Pipeline's name
 * @param container the container's name
 * @param stdout its standard output (tail, when truncated)
 * @param stderr its standard error (tail, when truncated)
 * @param exitCode its exit code
 * @param truncated whether either stream was cut to the configured bound
 */
public record PipelineLog(
    WorkflowRef workflow,
    String pipeline,
    String container,
    String stdout,
    String stderr,
    Integer exitCode,
    boolean truncated) {}
