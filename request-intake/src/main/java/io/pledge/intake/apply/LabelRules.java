package io.pledge.intake.apply;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes' rules for label keys and values (apimachinery's {@code IsQualifiedName} and {@code
 * IsValidLabelValue}), so that a label Kubernetes would refuse, and a Destination selector could
 * never match, is refused at apply time.
 */
public final class LabelRules {

  static final int MAX_NAME = 63;
  static final int MAX_PREFIX = 253;
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private LabelRules() {}

  /** Why {@code key} is not a valid label key ({@code [prefix/]name}); empty when it is one. */
  public static Optional<String> keyViolation(String key) {
    String[] parts = key.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      String prefix = parts[0];
      if (prefix.isEmpty()) {
        return Optional.of("label key \"" + key + "\": the prefix before '/' must not be empty");
      }
      if (prefix.length() > MAX_PREFIX) {
        return Optional.of(
            "label key \""
                + key
                + "\": the prefix must be no more than "
                + MAX_PREFIX
                + " characters");
      }
      if (!DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return Optional.of(
            "label key \""
                + key
                + "\": the prefix must be a DNS-1123 subdomain (lower-case letters, digits, '-'"
                + " and '.', starting and ending with a letter or digit)");
      }
      name = parts[1];
    } else {
      return Optional.of("label key \"" + key + "\": at most one '/' (prefix/name)");
    }
    if (name.isEmpty()) {
      return Optional.of("label key \"" + key + "\": the name must not be empty");
    }
    if (name.length() > MAX_NAME) {
      return Optional.of(
          "label key \"" + key + "\": the name must be no more than " + MAX_NAME + " characters");
    }
    if (!NAME.matcher(name).matches()) {
      return Optional.of(
          "label key \""
              + key
              + "\": the name must consist of alphanumerics, '-', '_' or '.', starting and"
              + " ending with an alphanumeric");
    }
    return Optional.empty();
  }

  /** Why {@code value} is not a valid label value; empty when it is one (empty is valid). */
  public static Optional<String> valueViolation(String value) {
    if (value.length() > MAX_NAME) {
      return Optional.of(
          "label value \"" + value + "\": must be no more than " + MAX_NAME + " characters");
    }
    if (!value.isEmpty() && !NAME.matcher(value).matches()) {
      return Optional.of(
          "label value \""
              + value
              + "\": must be empty or consist of alphanumerics, '-', '_' or '.', starting and"
              + " ending with an alphanumeric");
    }
    return Optional.empty();
  }
}
