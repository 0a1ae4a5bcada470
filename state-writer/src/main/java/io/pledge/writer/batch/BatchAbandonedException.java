package io.pledge.writer.batch;

/**
 * The batch in progress must stop: the service is shutting down or the partitions it came from were
 * taken away. Nothing of it is acknowledged, so it is redone, here or by another instance.
 */
public class BatchAbandonedException extends Exception {
  public BatchAbandonedException(String message) {
    super(message);
  }
}
