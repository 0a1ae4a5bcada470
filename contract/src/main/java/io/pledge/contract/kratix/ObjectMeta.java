package io.pledge.contract.kratix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The Kubernetes object metadata Pledge reads.
 *
 * @param name the object's name
 * @param namespace its namespace (namespaced kinds only)
 * @param labels its labels
 * @param annotations its annotations
 * @param generation increases when the spec changes; set by Pledge
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ObjectMeta(
    String name,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    Long generation) {

  public Map<String, String> labelsOrEmpty() {
    return labels == null ? Map.of() : labels;
  }
}
