package io.pledge.writer.readiness;

import io.pledge.contract.destination.DestinationReadiness;
import java.util.concurrent.Future;

/** Where readiness goes: the compacted {@code pledge.destinations.status} topic. */
public interface ReadinessSink {

  /**
   * Sends {@code readiness} under {@code key}; a null readiness is a tombstone (the object is
   * gone).
   *
   * @return completes when the broker has it, exceptionally when the send failed
   */
  Future<?> readiness(String key, DestinationReadiness readiness);
}
