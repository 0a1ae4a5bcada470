package io.pledge.intake.view;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A NotificationPolicy as applied.
 *
 * @param name its {@code metadata.name}
 * @param generation bumped when its {@code spec} changes
 * @param specHash {@link Hashes#spec} of the document
 * @param metaHash {@link Hashes#meta} of the document
 * @param document the document as published, {@code metadata.generation} set
 */
public record PolicyEntry(
    String name, long generation, String specHash, String metaHash, JsonNode document) {

  public static PolicyEntry of(String name, long generation, JsonNode document) {
    return new PolicyEntry(
        name, generation, Hashes.spec(document), Hashes.meta(document), document);
  }
}
