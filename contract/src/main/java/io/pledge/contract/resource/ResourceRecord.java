package io.pledge.contract.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.status.ResourceStatus;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything Pledge knows about one resource or Promise, folded once by request-intake's resource
 * owner from {@code pledge.requests} and {@code pledge.status}, and published on the compacted
 * {@code pledge.resources} topic (key = subject = resource key or Promise name). Readers take the
 * newest record per key instead of replaying and folding the history themselves.
 *
 * @param key the resource key {@code <namespace>/<promise>/<name>}, or a Promise name
 * @param request the last accepted request document; null for a Promise or for a key only status
 *     events were seen for
 * @param status the status exactly as {@link io.pledge.contract.status.StatusFold} folds it; null
 *     while no status event was seen for the key
 * @param firstReconciledGeneration the generation the resource first reached Reconciled at, 0 until
 *     it did: tells a first reconciliation ({@code created}) from a later one ({@code updated})
 * @param sourceOffsets per input topic, the offset of the last event of this key folded in (every
 *     event of a key is in the key's partition of each input, so the offset says which of them the
 *     record covers): a reader that published an event itself keeps it on top of the record until a
 *     record covers its offset. Absent in records folded before the field existed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceRecord(
    String key,
    Request request,
    ResourceStatus status,
    long firstReconciledGeneration,
    Map<String, Long> sourceOffsets) {

  public ResourceRecord {
    // Sorted, so a re-processed record serialises to the same bytes.
    sourceOffsets = sourceOffsets == null ? null : new TreeMap<>(sourceOffsets);
  }

  /**
   * The last accepted request of a resource.
   *
   * @param generation its generation (of the delete, once deleted)
   * @param specHash the hash of its defaulted spec
   * @param metaHash the hash of its labels and annotations
   * @param document the request as accepted: apiVersion, kind, metadata, defaulted spec
   * @param deleted a delete was accepted after it
   */
  public record Request(
      long generation, String specHash, String metaHash, JsonNode document, boolean deleted) {}

  /** A record for {@code key} that nothing has been folded into yet. */
  public static ResourceRecord empty(String key) {
    return new ResourceRecord(key, null, null, 0, null);
  }

  public ResourceRecord withRequest(Request r) {
    return new ResourceRecord(key, r, status, firstReconciledGeneration, sourceOffsets);
  }

  /** The record with {@code offset} as the last event of {@code topic} folded into it. */
  public ResourceRecord withSourceOffset(String topic, long offset) {
    Map<String, Long> offsets =
        sourceOffsets == null ? new TreeMap<>() : new TreeMap<>(sourceOffsets);
    offsets.put(topic, offset);
    return new ResourceRecord(key, request, status, firstReconciledGeneration, offsets);
  }

  /**
   * Whether the event at {@code offset} of {@code topic} (in this key's partition) is folded into
   * this record.
   */
  public boolean covers(String topic, long offset) {
    Long last = sourceOffsets == null ? null : sourceOffsets.get(topic);
    return last != null && last >= offset;
  }

  /**
   * The record with {@code s} as its status; the first Reconciled generation is remembered the
   * first time {@code s} is Reconciled.
   */
  public ResourceRecord withStatus(ResourceStatus s) {
    long first =
        firstReconciledGeneration == 0 && s != null && s.isReconciled()
            ? s.generation()
            : firstReconciledGeneration;
    return new ResourceRecord(key, request, s, first, sourceOffsets);
  }
}
