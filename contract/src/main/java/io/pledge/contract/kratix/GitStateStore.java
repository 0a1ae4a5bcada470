package io.pledge.contract.kratix;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A Kratix GitStateStore: a Git repository and branch that Destinations write into. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GitStateStore(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

  /**
   * @param url https, ssh, {@code file://} URL or a local path
   * @param branch the branch, {@code main} when unset
   * @param path a prefix for every Destination's folder
   * @param secretRef credentials
   * @param authMethod {@code basicAuth} (default) or {@code ssh}
   * @param gitAuthor commit author, name {@code kratix} when unset
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(
      String url,
      String branch,
      String path,
      SecretRef secretRef,
      String authMethod,
      GitAuthor gitAuthor) {}

  /**
   * @param name author name; @param email author e-mail
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record GitAuthor(String name, String email) {}

  public String branchOrDefault() {
    return spec == null || spec.branch() == null || spec.branch().isBlank()
        ? "main"
        : spec.branch();
  }
}
