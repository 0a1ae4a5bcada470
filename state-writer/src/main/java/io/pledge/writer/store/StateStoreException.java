package io.pledge.writer.store;

/**
 * Writing to a state store failed. Transient failures (remote down, rejected credentials, a branch
 * that keeps moving) are retried; permanent ones (an unsupported auth method) wait for the state
 * store to change.
 */
public class StateStoreException extends Exception {

  private final boolean transientFailure;

  public StateStoreException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public StateStoreException(String message, boolean transientFailure) {
    this(message, transientFailure, null);
  }

  /** True when the same write may succeed later without anything changing in Pledge. */
  public boolean isTransient() {
    return transientFailure;
  }

  /** {@code text} without credentials that a URL may carry ({@code https://user:token@host}). */
  public static String redact(String text) {
    return text == null ? null : text.replaceAll("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]+@", "$1");
  }
}
