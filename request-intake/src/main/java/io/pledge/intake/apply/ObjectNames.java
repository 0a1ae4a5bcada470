package io.pledge.intake.apply;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes DNS-1123 label rules for names and namespaces. Names become directory names in state
 * stores and pipeline work directories, so a name that could escape a directory ({@code ../x},
 * {@code a/b}) must never pass.
 */
public final class ObjectNames {

  public static final int MAX_LENGTH = 63;
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private ObjectNames() {}

  /** Why {@code name} is not a DNS-1123 label of at most 63 characters; empty when it is one. */
  public static Optional<String> labelViolation(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("required");
    }
    if (name.length() > MAX_LENGTH) {
      return Optional.of("must be no more than " + MAX_LENGTH + " characters");
    }
    if (!DNS_LABEL.matcher(name).matches()) {
      return Optional.of(
          "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with"
              + " a letter or digit");
    }
    return Optional.empty();
  }

  public static boolean isLabel(String name) {
    return labelViolation(name).isEmpty();
  }
}
