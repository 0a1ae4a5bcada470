package io.pledge.runner.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Pipeline;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.runner.sandbox.RunFolders;
import io.pledge.runner.sandbox.WorkflowObject;
import io.pledge.runner.workflow.PipelineRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the Job of one pipeline run as Kratix lays it out (kratix.md §2.1): the pipeline's
 * containers as init containers in order, sharing the emptyDirs {@code shared-input}, {@code
 * shared-output} and {@code shared-metadata}; before them a {@code reader} that copies {@code
 * object.yaml} from the run's input ConfigMap (Kratix's reader fetches the live object instead;
 * Pledge has no API server holding it); after them the {@code handback} container that packs {@code
 * /kratix/output} and {@code /kratix/metadata} into the ConfigMap named after the Job.
 */
public final class PipelineJobFactory {

  /** Finds a pipeline's document as the Promise holds it (with what the model leaves out). */
  public interface RawPipelines {
    /** The pipeline's document, or null when unknown. */
    JsonNode find(String promise, String workflowType, String action, String pipeline);
  }

  static final String SHARED_INPUT = "shared-input";
  static final String SHARED_OUTPUT = "shared-output";
  static final String SHARED_METADATA = "shared-metadata";
  static final String RUN_INPUT = "pledge-run-input";
  static final String RUN_INPUT_PATH = "/pledge/input";

  /** Runs in the helper image after the pipeline's containers. */
  static final String HANDBACK_SCRIPT =
      """
      set -eu
      cd /kratix
      tar -czf /tmp/handback.tar.gz output metadata
      base64 -w0 /tmp/handback.tar.gz > /tmp/bundle
      kubectl create configmap "$PLEDGE_HANDBACK" -n "$POD_NAMESPACE" \\
        --from-file=bundle=/tmp/bundle --dry-run=client -o yaml > /tmp/handback.yaml
      kubectl label --local -f /tmp/handback.yaml "pledge.io/run-id=$PLEDGE_RUN_ID" -o yaml \\
        > /tmp/labelled.yaml
      kubectl create -f /tmp/labelled.yaml || kubectl replace -f /tmp/labelled.yaml
      """;

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final String helperImage;
  private final int defaultBackoffLimit;
  private final Duration jobTimeout;
  private final Duration jobTtl;
  private final RawPipelines raw;

  public PipelineJobFactory(
      String helperImage,
      int defaultBackoffLimit,
      Duration jobTimeout,
      Duration jobTtl,
      RawPipelines raw) {
    this.helperImage = helperImage;
    this.defaultBackoffLimit = defaultBackoffLimit;
    this.jobTimeout = jobTimeout;
    this.jobTtl = jobTtl;
    this.raw = raw;
  }

  /** The ConfigMap that brings object.yaml into the Job. */
  public ConfigMap input(JobNames names, String namespace, String objectYaml) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(names.input())
        .withNamespace(namespace)
        .addToLabels(JobNames.RUN_ID, names.runHash())
        .endMetadata()
        .addToData("object.yaml", objectYaml)
        .build();
  }

  /** The Job. */
  public Job job(PipelineRunner.Request request, JobNames names, String namespace) {
    Pipeline pipeline = request.pipeline();
    WorkflowObject object = request.object();
    JsonNode doc =
        raw.find(object.promiseName(), object.workflowType(), request.action(), pipeline.name());
    if (doc == null) {
      doc = KratixDocuments.JSON.valueToTree(pipeline);
    }
    JsonNode spec = doc.path("spec");
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    if (pipeline.metadata() != null) {
      if (pipeline.metadata().labels() != null) {
        labels.putAll(pipeline.metadata().labels());
      }
      if (pipeline.metadata().annotations() != null) {
        annotations.putAll(pipeline.metadata().annotations());
      }
    }
    labels.putAll(names.labels(request));

    Map<String, String> kratixEnv = object.kratixEnv(request.action(), pipeline.name());
    List<Container> inits = new ArrayList<>();
    inits.add(reader(kratixEnv));
    JsonNode rawContainers = spec.path("containers");
    List<Pipeline.Container> containers = pipeline.containers();
    for (int i = 0; i < containers.size(); i++) {
      JsonNode rawContainer = rawContainers.path(i);
      inits.add(userContainer(containers.get(i), rawContainer, kratixEnv));
    }

    List<Volume> volumes = new ArrayList<>();
    volumes.add(emptyDir(SHARED_INPUT));
    volumes.add(emptyDir(SHARED_OUTPUT));
    volumes.add(emptyDir(SHARED_METADATA));
    volumes.add(
        new VolumeBuilder()
            .withName(RUN_INPUT)
            .withNewConfigMap()
            .withName(names.input())
            .endConfigMap()
            .build());
    volumes.addAll(list(spec.path("volumes"), Volume.class));

    Integer backoff =
        pipeline.spec() != null && pipeline.spec().jobOptions() != null
            ? pipeline.spec().jobOptions().backoffLimit()
            : null;
    String restartPolicy = spec.path("restartPolicy").asText("");
    String serviceAccount = spec.path("rbac").path("serviceAccount").asText("");
    return new JobBuilder()
        .withNewMetadata()
        .withName(names.job())
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(backoff == null ? defaultBackoffLimit : backoff)
        .withActiveDeadlineSeconds(jobTimeout.toSeconds())
        .withTtlSecondsAfterFinished((int) Math.min(Integer.MAX_VALUE, jobTtl.toSeconds()))
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy(restartPolicy.isBlank() ? "OnFailure" : restartPolicy)
        .withServiceAccountName(
            serviceAccount.isBlank() ? JobNames.serviceAccount(request) : serviceAccount)
        .withImagePullSecrets(list(spec.path("imagePullSecrets"), LocalObjectReference.class))
        .withNodeSelector(map(spec.path("nodeSelector")))
        .withTolerations(list(spec.path("tolerations"), Toleration.class))
        .withInitContainers(inits)
        .withContainers(handback(names, kratixEnv))
        .withVolumes(volumes)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private Container reader(Map<String, String> kratixEnv) {
    return new ContainerBuilder()
        .withName("reader")
        .withImage(helperImage)
        .withCommand("sh", "-c", "cp " + RUN_INPUT_PATH + "/object.yaml /kratix/input/object.yaml")
        .withEnv(env(kratixEnv))
        .withVolumeMounts(
            mount(RUN_INPUT, RUN_INPUT_PATH, true),
            mount(SHARED_INPUT, RunFolders.INPUT, false),
            mount(SHARED_OUTPUT, RunFolders.OUTPUT, false))
        .withSecurityContext(restricted())
        .withResources(defaultResources())
        .build();
  }

  private Container handback(JobNames names, Map<String, String> kratixEnv) {
    List<EnvVar> env = env(kratixEnv);
    env.add(new EnvVar("PLEDGE_HANDBACK", names.job(), null));
    env.add(new EnvVar("PLEDGE_RUN_ID", names.runHash(), null));
    env.add(new EnvVar("HOME", "/tmp", null));
    env.add(
        new EnvVarBuilder()
            .withName("POD_NAMESPACE")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.namespace")
            .endFieldRef()
            .endValueFrom()
            .build());
    return new ContainerBuilder()
        .withName("handback")
        .withImage(helperImage)
        .withCommand("sh", "-c", HANDBACK_SCRIPT)
        .withEnv(env)
        .withVolumeMounts(
            mount(SHARED_OUTPUT, RunFolders.OUTPUT, true),
            mount(SHARED_METADATA, RunFolders.METADATA, true))
        .withSecurityContext(restricted())
        .withResources(defaultResources())
        .build();
  }

  private static Container userContainer(
      Pipeline.Container container, JsonNode raw, Map<String, String> kratixEnv) {
    List<EnvVar> env = env(kratixEnv);
    // The container's own env comes after Kratix's, valueFrom included.
    env.addAll(list(raw.path("env"), EnvVar.class));
    if (!raw.has("env") && container.env() != null) {
      container.env().forEach(v -> env.add(new EnvVar(v.name(), v.value(), null)));
    }
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(SHARED_INPUT, RunFolders.INPUT, true));
    mounts.add(mount(SHARED_OUTPUT, RunFolders.OUTPUT, false));
    mounts.add(mount(SHARED_METADATA, RunFolders.METADATA, false));
    mounts.addAll(list(raw.path("volumeMounts"), VolumeMount.class));
    ContainerBuilder builder =
        new ContainerBuilder()
            .withName(container.name())
            .withImage(container.image())
            .withCommand(container.command())
            .withArgs(container.args())
            .withWorkingDir(container.workingDir())
            .withEnv(env)
            .withEnvFrom(list(raw.path("envFrom"), EnvFromSource.class))
            .withVolumeMounts(mounts)
            .withResources(
                raw.has("resources")
                    ? convert(raw.get("resources"), ResourceRequirements.class)
                    : defaultResources());
    if (raw.hasNonNull("securityContext")) {
      builder.withSecurityContext(convert(raw.get("securityContext"), SecurityContext.class));
    }
    if (raw.hasNonNull("imagePullPolicy")) {
      builder.withImagePullPolicy(raw.get("imagePullPolicy").asText());
    }
    return builder.build();
  }

  /** Kratix's defaults for pipeline containers. */
  static ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("128Mi"))
        .addToRequests("ephemeral-storage", new Quantity("128Mi"))
        .addToLimits("cpu", new Quantity("200m"))
        .addToLimits("memory", new Quantity("256Mi"))
        .addToLimits("ephemeral-storage", new Quantity("256Mi"))
        .build();
  }

  /** What Kratix's own containers run with. */
  private static SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(65534L)
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  private static List<EnvVar> env(Map<String, String> vars) {
    List<EnvVar> env = new ArrayList<>();
    vars.forEach((k, v) -> env.add(new EnvVar(k, v, null)));
    return env;
  }

  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }

  private static <T> List<T> list(JsonNode node, Class<T> type) {
    List<T> items = new ArrayList<>();
    if (node != null && node.isArray()) {
      node.forEach(item -> items.add(convert(item, type)));
    }
    return items;
  }

  private static Map<String, String> map(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
    }
    return map;
  }

  private static <T> T convert(JsonNode node, Class<T> type) {
    return SERIALIZATION.unmarshal(node.toString(), type);
  }

  /** Whether the run's Job belongs in the resource's namespace (resource workflows do). */
  static boolean inResourceNamespace(WorkflowObject object) {
    return WorkflowRef.RESOURCE.equals(object.workflowType())
        && object.namespace() != null
        && !object.namespace().isBlank();
  }
}
