package io.pledge.writer.readiness;

import io.pledge.writer.batch.Canary;

/**
 * Kratix's {@code Ready} condition of a state store or Destination, worked out from what this
 * writer saw. The reasons and messages are Kratix's, so a user's alerting on them carries over.
 *
 * @param ready the condition's status
 * @param reason Kratix's reason
 * @param message for people
 */
public record Readiness(boolean ready, String reason, String message) {

  /** The store answered and accepted a write. */
  public static Readiness storeWritable() {
    return new Readiness(true, "StateStoreReady", "State store is ready");
  }

  /** The writer cannot use the store's document: a missing field, a Secret it cannot read. */
  public static Readiness storeUnusable(String why) {
    return new Readiness(false, "ErrorInitialisingWriter", "Error initialising writer: " + why);
  }

  /** The store could not be reached or refused the write check. */
  public static Readiness storeRefused(String why) {
    return new Readiness(
        false, "ErrorValidatingPermissions", "Error validating state store permissions: " + why);
  }

  /**
   * A Destination follows its state store, then its canary files (Kratix's test documents).
   *
   * @param storeId {@code <Kind>/<name>} of its store, null when it names none
   * @param store the store's readiness, null when the store does not exist
   * @param canary what became of its canary files
   */
  public static Readiness destination(String storeId, Readiness store, Canary canary) {
    if (storeId == null) {
      return new Readiness(false, "StateStoreNotFound", "the Destination names no stateStoreRef");
    }
    if (store == null) {
      return new Readiness(false, "StateStoreNotFound", storeId + ": not found");
    }
    if (!store.ready()) {
      return new Readiness(false, "StateStoreNotReady", storeId + ": " + store.message());
    }
    return switch (canary.outcome()) {
      case WRITTEN ->
          new Readiness(true, "TestDocumentsWritten", "Test documents written to State Store");
      case NOT_WANTED -> new Readiness(true, "DestinationReady", "Destination is ready");
      case NO_STORE -> new Readiness(false, "StateStoreNotReady", canary.message());
      case FAILED ->
          new Readiness(
              false,
              "StateStoreWriteFailed",
              "Failed to write test documents to State Store: " + canary.message());
    };
  }
}
