package io.pledge.oci;

/**
 * A containers tool (skopeo, umoci) failed or could not be run. The message names what was being
 * done and carries the tool's own answer (the registry's error, the unpack error), trimmed.
 */
public class ToolException extends Exception {

  private final boolean transientFailure;

  public ToolException(String message, boolean transientFailure) {
    super(message);
    this.transientFailure = transientFailure;
  }

  /** Whether trying again later may succeed (registry unreachable, 5xx, timeout). */
  public boolean isTransient() {
    return transientFailure;
  }
}
