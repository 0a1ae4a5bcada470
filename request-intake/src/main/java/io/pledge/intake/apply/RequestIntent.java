package io.pledge.intake.apply;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * What a replica asks the owner of a resource's key to do (backbone v2, step 6): the replica has
 * validated the request; the owner decides the generation against the resource as it is and writes
 * the events. Written on {@code pledge.requests.intents}, keyed by resource key, so every intent of
 * a key reaches the one task that owns it, in the order it was sent.
 *
 * @param id unique per intent: the decision answers it, and the owner derives its event ids from
 *     the intent's position, not from this
 * @param action apply, delete or reconcile
 * @param key the resource key
 * @param requester the authenticated principal, if any
 * @param inboundId the inbound CloudEvent the request came in, if any: the events answer it
 * @param document apply only: the validated document with defaults, {@code metadata.generation} to
 *     be set by the owner
 * @param specHash apply only: the hash of the document's spec
 * @param metaHash apply only: the hash of its labels and annotations
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestIntent(
    String id,
    Action action,
    String key,
    String requester,
    String inboundId,
    JsonNode document,
    String specHash,
    String metaHash) {

  /** What the intent asks for. */
  public enum Action {
    APPLY,
    DELETE,
    RECONCILE;

    @JsonValue
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public boolean inbound() {
    return inboundId != null;
  }
}
