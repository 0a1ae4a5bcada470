package io.pledge.writer.scheduling;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.pledge.contract.work.Work;

/**
 * A Work the writer must look at again when Destinations change: the value of a {@code work/...}
 * record on {@code pledge.placements}. Promise-level Works stay remembered so that a new matching
 * Destination gets them too; resource Works only while some group waits for a Destination or a
 * state store.
 *
 * @param state {@link #PENDING}, {@link #FAILED} or {@link #COMMITTED}
 * @param work the Work as last upserted
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RememberedWork(String state, Work work) {

  /** Some group found no Destination. */
  public static final String PENDING = "pending";

  /** Some group's state store is missing or cannot be used as configured. */
  public static final String FAILED = "failed";

  /** Fully written; kept because promise-level Works go to new Destinations as well. */
  public static final String COMMITTED = "committed";

  /** The Kafka key of this record on {@code pledge.placements}. */
  public String recordKey() {
    return recordKey(work.identity());
  }

  public static String recordKey(String identity) {
    return PlacementTable.WORK_PREFIX + identity;
  }
}
