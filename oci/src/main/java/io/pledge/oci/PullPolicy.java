package io.pledge.oci;

import java.util.Locale;

/** Kubernetes' {@code imagePullPolicy}. */
public enum PullPolicy {
  /** Ask the registry for the reference's digest every time; download only what changed. */
  ALWAYS,
  /** Use the cached image when there is one for the reference. */
  IF_NOT_PRESENT,
  /** Never contact a registry: the image must be cached already. */
  NEVER;

  /**
   * Reads Kubernetes' spelling ({@code Always}, {@code IfNotPresent}, {@code Never}); null or blank
   * gives null (the reference's default applies).
   *
   * @throws IllegalArgumentException for anything else
   */
  public static PullPolicy parse(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "always" -> ALWAYS;
      case "ifnotpresent" -> IF_NOT_PRESENT;
      case "never" -> NEVER;
      default ->
          throw new IllegalArgumentException(
              "imagePullPolicy '" + value + "' must be Always, IfNotPresent or Never");
    };
  }
}
