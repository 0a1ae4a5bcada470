package io.pledge.writer.batch;

/** A Destination whose state store cannot be used (missing, unsupported). */
final class StoreProblem extends Exception {

  /** True when the Destination waits for a store that may appear or change. */
  final boolean waitForStore;

  StoreProblem(String message, boolean waitForStore) {
    super(message);
    this.waitForStore = waitForStore;
  }

  @Override
  public String toString() {
    return getMessage();
  }
}
