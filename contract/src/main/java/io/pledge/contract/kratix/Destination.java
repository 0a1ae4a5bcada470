package io.pledge.contract.kratix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A Kratix Destination: where Works may be scheduled, and the state store that holds them. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Destination(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

  public static final String NESTED_BY_METADATA = "nestedByMetadata";
  public static final String AGGREGATED_YAML = "aggregatedYAML";
  public static final String NONE = "none";

  /**
   * @param path the folder under the state store's path; "." or "/" writes at its root
   * @param stateStoreRef the state store
   * @param strictMatchLabels when true (and the Destination has labels), Works without selectors do
   *     not go here
   * @param filepath the layout of files
   * @param cleanup {@code none} or {@code all}
   * @param initWorkloads whether canary files are written
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(
      String path,
      StateStoreRef stateStoreRef,
      boolean strictMatchLabels,
      Filepath filepath,
      String cleanup,
      InitWorkloads initWorkloads) {}

  /**
   * @param kind GitStateStore or BucketStateStore; @param name its name
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record StateStoreRef(String kind, String name) {}

  /**
   * @param mode nestedByMetadata (default), aggregatedYAML or none; @param filename aggregate file
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Filepath(String mode, String filename) {}

  /**
   * @param enabled whether canary files are written (default true)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record InitWorkloads(Boolean enabled) {}

  public String name() {
    return metadata == null ? null : metadata.name();
  }

  /** The filepath mode, {@code nestedByMetadata} when unset. */
  public String filepathMode() {
    return spec == null || spec.filepath() == null || spec.filepath().mode() == null
        ? NESTED_BY_METADATA
        : spec.filepath().mode();
  }
}
