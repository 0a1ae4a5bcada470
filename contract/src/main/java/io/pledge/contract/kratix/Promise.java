package io.pledge.contract.kratix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Kratix {@code platform.kratix.io/v1alpha1} Promise.
 *
 * @param apiVersion {@code platform.kratix.io/v1alpha1}
 * @param kind {@code Promise}
 * @param metadata its metadata; Promises are cluster-scoped
 * @param spec its spec
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Promise(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

  public static final String KIND = "Promise";

  /**
   * @param api the embedded CustomResourceDefinition giving the request kind and schema
   * @param dependencies manifests sent to every matching Destination
   * @param destinationSelectors selectors that apply to everything this Promise schedules
   * @param workflows the promise and resource workflows
   * @param requiredPromises Promises that must be available first
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(
      CustomResourceDefinition api,
      List<JsonNode> dependencies,
      List<Selector> destinationSelectors,
      Workflows workflows,
      List<JsonNode> requiredPromises) {}

  /**
   * @param matchLabels equality labels a Destination must carry
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Selector(Map<String, String> matchLabels) {}

  /**
   * @param config workflow configuration (pipeline namespace, reconciliation interval)
   * @param promise workflows run for the Promise itself
   * @param resource workflows run for every resource request
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Workflows(JsonNode config, Actions promise, Actions resource) {}

  /**
   * @param configure pipelines run in order on create, update and re-run
   * @param delete pipelines run on deletion; only the first is used, as in Kratix
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Actions(List<Pipeline> configure, List<Pipeline> delete) {}

  public Optional<CustomResourceDefinition> api() {
    return Optional.ofNullable(spec).map(Spec::api);
  }

  /** The pipelines of {@code type} ({@code promise|resource}) and {@code action}, maybe empty. */
  public List<Pipeline> pipelines(String type, String action) {
    if (spec == null || spec.workflows() == null) {
      return List.of();
    }
    Actions actions =
        "promise".equals(type) ? spec.workflows().promise() : spec.workflows().resource();
    if (actions == null) {
      return List.of();
    }
    List<Pipeline> pipelines = "delete".equals(action) ? actions.delete() : actions.configure();
    return pipelines == null ? List.of() : pipelines;
  }

  /** The Promise's destinationSelectors squashed into one map; the first wins on conflicts. */
  public Map<String, String> squashedDestinationSelectors() {
    Map<String, String> squashed = new java.util.LinkedHashMap<>();
    if (spec != null && spec.destinationSelectors() != null) {
      for (Selector selector : spec.destinationSelectors()) {
        if (selector.matchLabels() != null) {
          selector.matchLabels().forEach(squashed::putIfAbsent);
        }
      }
    }
    return squashed;
  }
}
