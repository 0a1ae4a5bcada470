package io.pledge.runner.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.CustomResourceDefinition;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.pipeline.WorkflowRef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a workflow runs for, a resource request or a Promise, with the identity Kratix gives its
 * pipelines through {@code KRATIX_*} variables (kratix.md §2.2).
 *
 * @param key the resource key, or the Promise name
 * @param workflowType {@code resource} or {@code promise}
 * @param promiseName the Promise
 * @param kind the object's kind
 * @param group its API group
 * @param version its API version
 * @param name its name
 * @param namespace its namespace; empty for a Promise
 * @param plural the plural of its kind
 * @param clusterScoped whether its kind is cluster-scoped
 * @param document the object as the workflow received it
 * @param dryRun whether the run is a dry run: its stages see {@code KRATIX_DRY_RUN=true} and its
 *     results are only shown, never committed
 */
public record WorkflowObject(
    String key,
    String workflowType,
    String promiseName,
    String kind,
    String group,
    String version,
    String name,
    String namespace,
    String plural,
    boolean clusterScoped,
    JsonNode document,
    boolean dryRun) {

  /** Set to {@code true} in every container of a dry run, as Kratix does. */
  public static final String DRY_RUN_ENV = "KRATIX_DRY_RUN";

  /** An object of a normal (not dry) run. */
  public WorkflowObject(
      String key,
      String workflowType,
      String promiseName,
      String kind,
      String group,
      String version,
      String name,
      String namespace,
      String plural,
      boolean clusterScoped,
      JsonNode document) {
    this(
        key,
        workflowType,
        promiseName,
        kind,
        group,
        version,
        name,
        namespace,
        plural,
        clusterScoped,
        document,
        false);
  }

  /** The same object, for a dry run. */
  public WorkflowObject asDryRun() {
    return dryRun
        ? this
        : new WorkflowObject(
            key,
            workflowType,
            promiseName,
            kind,
            group,
            version,
            name,
            namespace,
            plural,
            clusterScoped,
            document,
            true);
  }

  /** A resource request of {@code promise}. */
  public static WorkflowObject resource(ResourceKey key, JsonNode resource, Promise promise) {
    CustomResourceDefinition crd = promise == null ? null : promise.api().orElse(null);
    String apiVersion = resource.path("apiVersion").asText("");
    String group = crd == null ? null : crd.group();
    String version = crd == null ? null : crd.storageVersion().map(v -> v.name()).orElse(null);
    int slash = apiVersion.indexOf('/');
    if (slash > 0) {
      group = apiVersion.substring(0, slash);
      version = apiVersion.substring(slash + 1);
    }
    String kind = resource.path("kind").asText(crd == null ? "" : nullToEmpty(crd.kind()));
    String plural = crd == null ? null : crd.plural();
    if (plural == null) {
      plural = kind.toLowerCase(java.util.Locale.ROOT) + "s";
    }
    return new WorkflowObject(
        key.toString(),
        WorkflowRef.RESOURCE,
        key.promise(),
        kind,
        nullToEmpty(group),
        nullToEmpty(version),
        key.name(),
        key.namespace(),
        plural,
        crd != null && crd.clusterScoped(),
        resource);
  }

  /** A Promise itself, for its promise workflows. */
  public static WorkflowObject promise(String name, JsonNode document) {
    String[] apiVersion = KratixDocuments.API_VERSION.split("/");
    return new WorkflowObject(
        name,
        WorkflowRef.PROMISE,
        name,
        Promise.KIND,
        apiVersion[0],
        apiVersion[1],
        name,
        "",
        "promises",
        true,
        document);
  }

  /** The Kratix variables of a stage of {@code pipeline} running {@code action}. */
  public Map<String, String> kratixEnv(String action, String pipeline) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KRATIX_WORKFLOW_ACTION", action);
    env.put("KRATIX_WORKFLOW_TYPE", workflowType);
    env.put("KRATIX_PROMISE_NAME", promiseName);
    env.put("KRATIX_PIPELINE_NAME", pipeline);
    env.put("KRATIX_OBJECT_KIND", kind);
    env.put("KRATIX_OBJECT_GROUP", group);
    env.put("KRATIX_OBJECT_VERSION", version);
    env.put("KRATIX_OBJECT_NAME", name);
    env.put("KRATIX_OBJECT_NAMESPACE", namespace);
    env.put("KRATIX_CRD_PLURAL", plural);
    env.put("KRATIX_CLUSTER_SCOPED", Boolean.toString(clusterScoped));
    if (dryRun) {
      env.put(DRY_RUN_ENV, "true");
    }
    return env;
  }

  /** The object as {@code /kratix/input/object.yaml} shows it, with {@code status}. */
  public String objectYaml(ObjectNode status) {
    ObjectNode copy =
        document != null && document.isObject()
            ? ((ObjectNode) document).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    if (status != null && !status.isEmpty()) {
      copy.set("status", status);
    }
    return KratixDocuments.toYaml(copy);
  }

  /** The status the object arrived with (a resource request normally has none). */
  public ObjectNode initialStatus() {
    JsonNode status = document == null ? null : document.get("status");
    return status != null && status.isObject()
        ? ((ObjectNode) status).deepCopy()
        : JsonNodeFactory.instance.objectNode();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
