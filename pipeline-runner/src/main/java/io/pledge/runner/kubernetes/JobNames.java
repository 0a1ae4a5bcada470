package io.pledge.runner.kubernetes;

import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.runner.sandbox.WorkflowObject;
import io.pledge.runner.workflow.PipelineRunner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and labels of a pipeline run's Kubernetes objects, as Kratix spells them (kratix.md §2.1),
 * except that the Job's 5-character suffix is derived from the run instead of random: a restarted
 * runner computes the same name and finds the Job it had started.
 */
public final class JobNames {

  public static final String PROMISE_NAME = "kratix.io/promise-name";
  public static final String RESOURCE_NAME = "kratix.io/resource-name";
  public static final String PIPELINE_NAME = "kratix.io/pipeline-name";
  public static final String WORKFLOW_TYPE = "kratix.io/workflow-type";
  public static final String WORKFLOW_ACTION = "kratix.io/workflow-action";
  public static final String RUN_ID = "pledge.io/run-id";

  private static final int NAME_PREFIX = 56;

  private final String job;
  private final String runHash;

  private JobNames(String job, String runHash) {
    this.job = job;
    this.runHash = runHash;
  }

  /** The names of the run of {@code request} with {@code objectYaml} as its input. */
  public static JobNames of(PipelineRunner.Request request, String objectYaml) {
    WorkflowObject object = request.object();
    String hash =
        sha256(
            object.key()
                + "\n"
                + request.action()
                + "\n"
                + request.pipeline().name()
                + "\n"
                + request.runId()
                + "\n"
                + objectYaml);
    StringBuilder base = new StringBuilder("kratix-").append(object.promiseName());
    if (WorkflowRef.RESOURCE.equals(object.workflowType())) {
      base.append('-').append(object.name());
    }
    base.append('-').append(request.pipeline().name());
    String prefix = base.length() > NAME_PREFIX ? base.substring(0, NAME_PREFIX) : base.toString();
    return new JobNames(prefix + "-" + hash.substring(0, 5), hash.substring(0, 16));
  }

  /** The Job's name; the hand-back ConfigMap has the same name. */
  public String job() {
    return job;
  }

  /** The ConfigMap that brings object.yaml in. */
  public String input() {
    return job + "-input";
  }

  /** A hash of the run's identity and input, as a label value. */
  public String runHash() {
    return runHash;
  }

  /** Kratix's ServiceAccount: {@code <promise>-<type>-<action>-<pipeline>}. */
  public static String serviceAccount(PipelineRunner.Request request) {
    return request.object().promiseName()
        + "-"
        + request.object().workflowType()
        + "-"
        + request.action()
        + "-"
        + request.pipeline().name();
  }

  /** The labels of the Job and its Pod. */
  public Map<String, String> labels(PipelineRunner.Request request) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(PROMISE_NAME, request.object().promiseName());
    if (WorkflowRef.RESOURCE.equals(request.object().workflowType())) {
      labels.put(RESOURCE_NAME, request.object().name());
    }
    labels.put(PIPELINE_NAME, request.pipeline().name());
    labels.put(WORKFLOW_TYPE, request.object().workflowType());
    labels.put(WORKFLOW_ACTION, request.action());
    labels.put(RUN_ID, runHash);
    return labels;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
