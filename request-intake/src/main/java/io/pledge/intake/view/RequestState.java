package io.pledge.intake.view;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;

/**
 * The last accepted request document of a resource.
 *
 * @param key the resource key
 * @param generation its generation
 * @param specHash the hash of its (defaulted) spec
 * @param metaHash the hash of its labels and annotations
 * @param document the request as accepted: apiVersion, kind, metadata, defaulted spec
 * @param deleted a delete was accepted after it
 */
public record RequestState(
    ResourceKey key,
    long generation,
    String specHash,
    String metaHash,
    JsonNode document,
    boolean deleted) {

  public static RequestState applied(
      ResourceKey key, long generation, String specHash, JsonNode document) {
    String hash = specHash == null ? Hashes.spec(document) : specHash;
    return new RequestState(key, generation, hash, Hashes.meta(document), document, false);
  }

  public RequestState asDeleted(long atGeneration) {
    return new RequestState(
        key, Math.max(generation, atGeneration), specHash, metaHash, document, true);
  }
}
