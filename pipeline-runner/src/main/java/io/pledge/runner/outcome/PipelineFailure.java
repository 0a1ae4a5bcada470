package io.pledge.runner.outcome;

/**
 * A pipeline cannot go on: the reason is reported in {@code PIPELINE_FAILED}.
 *
 * <p>Thrown by the pure steps (status merge, work creation, workflow control) for what a pipeline
 * wrote; the message is the user-facing reason.
 */
public class PipelineFailure extends Exception {
  public PipelineFailure(String reason) {
    super(reason);
  }
}
