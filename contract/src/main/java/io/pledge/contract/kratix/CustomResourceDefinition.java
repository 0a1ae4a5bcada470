package io.pledge.contract.kratix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * The {@code apiextensions.k8s.io/v1} CustomResourceDefinition embedded in a Promise's {@code
 * spec.api}: it names the request kind and holds its OpenAPI v3 schema.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CustomResourceDefinition(
    String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(String group, Names names, String scope, List<Version> versions) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Names(String kind, String plural, String singular, String listKind) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Version(String name, boolean served, boolean storage, Schema schema) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Schema(JsonNode openAPIV3Schema) {}

  /** The version requests are stored at: the storage version, else the first. */
  public Optional<Version> storageVersion() {
    if (spec == null || spec.versions() == null || spec.versions().isEmpty()) {
      return Optional.empty();
    }
    return spec.versions().stream()
        .filter(Version::storage)
        .findFirst()
        .or(() -> Optional.of(spec.versions().get(0)));
  }

  public String group() {
    return spec == null ? null : spec.group();
  }

  public String kind() {
    return spec == null || spec.names() == null ? null : spec.names().kind();
  }

  /** The plural name, defaulting to the lower-cased kind plus "s" as Kubernetes tooling does. */
  public String plural() {
    if (spec != null && spec.names() != null && spec.names().plural() != null) {
      return spec.names().plural();
    }
    return kind() == null ? null : kind().toLowerCase(java.util.Locale.ROOT) + "s";
  }

  /** {@code <group>/<version>} of requests, e.g. {@code workshop.kratix.io/v1}. */
  public Optional<String> requestApiVersion() {
    return storageVersion().map(v -> group() + "/" + v.name());
  }

  public boolean clusterScoped() {
    return spec != null && "Cluster".equals(spec.scope());
  }
}
