package io.pledge.writer.batch;

import io.pledge.contract.event.EventType;
import io.pledge.contract.work.ComponentSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Everything the commit batcher sends out. Sends are asynchronous until {@link #flush()}. */
public interface Outbox {

  /** A status event about {@code subject} on {@code pledge.status}. */
  void status(EventType type, String subject, Object data);

  /** A record on {@code pledge.placements}; a null value is a tombstone. */
  void placement(String key, String value);

  /**
   * Compound Promises: a set of requests for request-intake to apply, on {@code pledge.components},
   * keyed by its parent.
   */
  void components(ComponentSet set);

  /** {@code record} goes to its topic's dead-letter topic with {@code reason}. */
  void deadLetter(ConsumerRecord<String, String> record, String reason);

  /**
   * Blocks until everything sent so far is acknowledged by the broker and every placement record is
   * visible in the placement table.
   *
   * @throws RuntimeException when a send failed; the batch is then redone
   */
  void flush();
}
