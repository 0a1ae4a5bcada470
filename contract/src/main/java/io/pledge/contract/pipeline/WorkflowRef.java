package io.pledge.contract.pipeline;

/**
 * Which workflow run an event is about.
 *
 * @param key the resource key, or the Promise name for promise workflows
 * @param workflowType {@code resource} or {@code promise}
 * @param action {@code configure} or {@code delete}
 * @param generation the generation of the object the workflow runs for
 */
public record WorkflowRef(String key, String workflowType, String action, long generation) {
  public static final String RESOURCE = "resource";
  public static final String PROMISE = "promise";
  public static final String CONFIGURE = "configure";
  public static final String DELETE = "delete";
}
