package io.pledge.intake.api;

import io.pledge.intake.problem.ProblemException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** The media types the API speaks, and how it picks one from an Accept header. */
public final class MediaTypes {

  public static final String APPLICATION_YAML = "application/yaml";
  public static final String APPLICATION_X_YAML = "application/x-yaml";
  public static final String TEXT_YAML = "text/yaml";
  public static final String PROBLEM_JSON = ProblemException.MEDIA_TYPE;

  private MediaTypes() {}

  public static boolean isJson(MediaType type) {
    return type != null
        && ("json".equalsIgnoreCase(type.getSubtype())
            || type.getSubtype().toLowerCase(java.util.Locale.ROOT).endsWith("+json"));
  }

  /**
   * True when the client asked for {@code text/plain} before any JSON or YAML type; a wildcard
   * means the default, JSON.
   */
  public static boolean prefersText(HttpHeaders headers) {
    for (MediaType type : headers.getAcceptableMediaTypes()) {
      if (type.isWildcardType()) {
        return false;
      }
      if (isJson(type) || type.getSubtype().toLowerCase(java.util.Locale.ROOT).contains("yaml")) {
        return false;
      }
      if (type.isCompatible(MediaType.TEXT_PLAIN_TYPE)) {
        return true;
      }
    }
    return false;
  }
}
