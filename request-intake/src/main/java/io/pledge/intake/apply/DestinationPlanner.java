package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.intake.apply.Change.DestinationChange;
import io.pledge.intake.view.Hashes;
import java.util.Set;

/**
 * Plans a Destination, GitStateStore or BucketStateStore: required fields, paths that stay inside
 * the store, known enumerations, an immutable filepath mode; its outcome by content (these kinds
 * carry no generation of their own).
 */
final class DestinationPlanner {

  private static final Set<String> FILEPATH_MODES =
      Set.of("nestedByMetadata", "aggregatedYAML", "none");
  private static final Set<String> CLEANUP = Set.of("none", "all");
  private static final Set<String> GIT_AUTH = Set.of("basicAuth", "ssh", "githubApp");
  private static final Set<String> BUCKET_AUTH = Set.of("accessKey", "IAM");

  private final ApplyBatch batch;

  DestinationPlanner(ApplyBatch batch) {
    this.batch = batch;
  }

  Change plan(PlannedDocument doc, String kind) {
    String name = doc.node().path("metadata").path("name").asText(null);
    doc.name(name);
    ObjectNames.labelViolation(name).ifPresent(v -> doc.error("/metadata/name", v));
    DocumentChecks.labels(doc, doc.node().path("metadata").path("labels"), "/metadata/labels");
    JsonNode spec = doc.node().path("spec");
    if (!spec.isObject()) {
      doc.error("/spec", "required");
      return null;
    }
    String key = name == null ? "" : DestinationApplied.key(kind, name);
    JsonNode existing = batch.destination(key);
    switch (kind) {
      case DestinationApplied.DESTINATION -> checkDestination(doc, spec, existing);
      case DestinationApplied.GIT_STATE_STORE -> {
        DocumentChecks.requireText(doc, spec, "url");
        DocumentChecks.relativePath(doc, spec.path("path"), "/spec/path");
        DocumentChecks.oneOf(doc, spec.path("authMethod"), "/spec/authMethod", GIT_AUTH);
      }
      default -> {
        DocumentChecks.requireText(doc, spec, "bucketName");
        DocumentChecks.requireText(doc, spec, "endpoint");
        DocumentChecks.relativePath(doc, spec.path("path"), "/spec/path");
        DocumentChecks.oneOf(doc, spec.path("authMethod"), "/spec/authMethod", BUCKET_AUTH);
      }
    }
    if (doc.failed()) {
      return null;
    }
    ObjectNode document = doc.node().deepCopy();
    document.remove("status");
    Outcome outcome;
    if (existing == null) {
      outcome = Outcome.CREATED;
    } else {
      ObjectNode before = existing.deepCopy();
      before.remove("status");
      outcome =
          Hashes.of(before).equals(Hashes.of(document)) ? Outcome.UNCHANGED : Outcome.CONFIGURED;
    }
    batch.plannedDestination(key, document);
    return new DestinationChange(kind, name, document, outcome);
  }

  private static void checkDestination(PlannedDocument doc, JsonNode spec, JsonNode existing) {
    JsonNode path = spec.path("path");
    if (!path.isTextual() || path.asText().isEmpty()) {
      doc.error("/spec/path", "required");
    } else {
      DocumentChecks.relativePath(doc, path, "/spec/path");
    }
    JsonNode ref = spec.path("stateStoreRef");
    DocumentChecks.oneOf(
        doc,
        ref.path("kind"),
        "/spec/stateStoreRef/kind",
        Set.of(DestinationApplied.GIT_STATE_STORE, DestinationApplied.BUCKET_STATE_STORE));
    if (ref.path("kind").isMissingNode()) {
      doc.error("/spec/stateStoreRef/kind", "required");
    }
    ObjectNames.labelViolation(ref.path("name").asText(null))
        .ifPresent(v -> doc.error("/spec/stateStoreRef/name", v));
    JsonNode mode = spec.path("filepath").path("mode");
    DocumentChecks.oneOf(doc, mode, "/spec/filepath/mode", FILEPATH_MODES);
    DocumentChecks.oneOf(doc, spec.path("cleanup"), "/spec/cleanup", CLEANUP);
    if (existing != null) {
      String before =
          existing.path("spec").path("filepath").path("mode").asText("nestedByMetadata");
      String after = mode.asText("nestedByMetadata");
      if (!before.equals(after)) {
        doc.error("/spec/filepath/mode", "immutable: was " + before);
      }
    }
  }
}
