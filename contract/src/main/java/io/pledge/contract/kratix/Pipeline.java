package io.pledge.contract.kratix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A Kratix Pipeline, embedded in a Promise's workflows: containers that run in order and share
 * {@code /kratix/input}, {@code /kratix/output} and {@code /kratix/metadata}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Pipeline(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

  public String name() {
    return metadata == null ? null : metadata.name();
  }

  public List<Container> containers() {
    return spec == null || spec.containers() == null ? List.of() : spec.containers();
  }

  /**
   * @param containers run in order; each starts after the previous one exits 0
   * @param volumes extra pod volumes (Kubernetes executor)
   * @param imagePullSecrets pull secrets (Kubernetes executor)
   * @param rbac service account and extra permissions (Kubernetes executor)
   * @param jobOptions retry options
   * @param nodeSelector node selector (Kubernetes executor)
   * @param tolerations tolerations (Kubernetes executor)
   * @param restartPolicy pod restart policy (Kubernetes executor)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Spec(
      List<Container> containers,
      JsonNode volumes,
      JsonNode imagePullSecrets,
      JsonNode rbac,
      JobOptions jobOptions,
      JsonNode nodeSelector,
      JsonNode tolerations,
      String restartPolicy) {}

  /**
   * @param backoffLimit how many times a failed run is retried
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record JobOptions(Integer backoffLimit) {}

  /**
   * One container of a pipeline.
   *
   * @param name its name
   * @param image the OCI image reference (tag or {@code @sha256:} digest)
   * @param command replaces the image's ENTRYPOINT, as in Kubernetes
   * @param args replace the image's CMD
   * @param env variables added after the image's own
   * @param workingDir the working directory
   * @param imagePullPolicy {@code Always}, {@code IfNotPresent} or {@code Never}; null for
   *     Kubernetes' default ({@code Always} for {@code :latest}, else {@code IfNotPresent})
   * @param resources Kubernetes' {@code requests} and {@code limits} as written (quantities); the
   *     sandbox executor reads {@code limits.memory} and {@code limits.ephemeral-storage}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Container(
      String name,
      String image,
      List<String> command,
      List<String> args,
      List<EnvVar> env,
      String workingDir,
      String imagePullPolicy,
      JsonNode resources) {

    /** A container without resources. */
    public Container(
        String name,
        String image,
        List<String> command,
        List<String> args,
        List<EnvVar> env,
        String workingDir,
        String imagePullPolicy) {
      this(name, image, command, args, env, workingDir, imagePullPolicy, null);
    }

    /** A container with the default pull policy. */
    public Container(
        String name,
        String image,
        List<String> command,
        List<String> args,
        List<EnvVar> env,
        String workingDir) {
      this(name, image, command, args, env, workingDir, null, null);
    }
  }

  /**
   * @param name the variable's name; @param value its value (valueFrom is not modelled)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record EnvVar(String name, String value) {}
}
