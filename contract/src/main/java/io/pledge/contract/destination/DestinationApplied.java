package io.pledge.contract.destination;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Destination, GitStateStore or BucketStateStore was applied. Travels on the compacted {@code
 * pledge.destinations} topic keyed by {@link #key(String, String)}.
 *
 * @param kind {@code Destination}, {@code GitStateStore} or {@code BucketStateStore}
 * @param name the document's {@code metadata.name}
 * @param document the Kratix document, unchanged
 */
public record DestinationApplied(String kind, String name, JsonNode document) {

  public static final String DESTINATION = "Destination";
  public static final String GIT_STATE_STORE = "GitStateStore";
  public static final String BUCKET_STATE_STORE = "BucketStateStore";

  /** A Destination's key is its name; a state store's is {@code <Kind>/<name>}. */
  public static String key(String kind, String name) {
    return DESTINATION.equals(kind) ? name : kind + "/" + name;
  }
}
