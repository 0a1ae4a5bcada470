package io.pledge.contract.kratix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A reference to a Kubernetes Secret (or, in the embedded deployment, its mounted layout under
 * {@code $PLEDGE_HOME/secrets/<namespace>/<name>/<key>}).
 *
 * @param name the Secret's name
 * @param namespace its namespace, {@code default} when unset
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SecretRef(String name, String namespace) {
  public String namespaceOrDefault() {
    return namespace == null || namespace.isBlank() ? "default" : namespace;
  }
}
