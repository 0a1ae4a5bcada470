package io.pledge.writer.batch;

/**
 * What became of a Destination's canary files (Kratix's init workloads).
 *
 * @param outcome what happened
 * @param settled false when the write should be tried again later
 * @param message why, when not written
 */
public record Canary(Outcome outcome, boolean settled, String message) {

  /** What happened to the canary files. */
  public enum Outcome {
    /** Written, or already there. */
    WRITTEN,
    /** The Destination turned them off ({@code initWorkloads.enabled: false}). */
    NOT_WANTED,
    /** No store to write them to: the Destination or its state store is missing or unusable. */
    NO_STORE,
    /** The store refused the write or could not be reached. */
    FAILED
  }

  static Canary written() {
    return new Canary(Outcome.WRITTEN, true, null);
  }

  static Canary notWanted() {
    return new Canary(Outcome.NOT_WANTED, true, null);
  }

  public static Canary noStore(String message, boolean settled) {
    return new Canary(Outcome.NO_STORE, settled, message);
  }

  static Canary failed(String message, boolean settled) {
    return new Canary(Outcome.FAILED, settled, message);
  }
}
