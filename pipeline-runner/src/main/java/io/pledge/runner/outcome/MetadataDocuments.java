package io.pledge.runner.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import java.util.List;

/** The YAML documents a pipeline wrote to one of its {@code /kratix/metadata} files. */
public final class MetadataDocuments {

  private MetadataDocuments() {}

  /**
   * The documents of {@code text}, the content of {@code file}; none when it is absent or blank.
   *
   * @throws PipelineFailure naming {@code file} when it is not YAML
   */
  public static List<JsonNode> read(String text, String file) throws PipelineFailure {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    try {
      return KratixDocuments.readAll(text);
    } catch (IllegalArgumentException e) {
      throw new PipelineFailure("invalid " + file + ": " + e.getMessage());
    }
  }
}
