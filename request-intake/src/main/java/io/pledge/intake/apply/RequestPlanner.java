package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.intake.apply.Change.RequestChange;
import io.pledge.intake.apply.Generations.Decision;
import io.pledge.intake.apply.Generations.Live;
import io.pledge.intake.schema.RequestSchema;
import io.pledge.intake.view.Hashes;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.RequestState;

/**
 * Plans a resource request against the schema of the Promise version that serves its kind: name,
 * namespace, labels (the Promise's name added, as Kratix labels requests), the defaulted spec, then
 * its generation and outcome.
 */
final class RequestPlanner {

  private final ApplyBatch batch;

  RequestPlanner(ApplyBatch batch) {
    this.batch = batch;
  }

  Change plan(PlannedDocument doc, PromiseEntry promise, String apiVersion, String kind) {
    JsonNode metadata = doc.node().path("metadata");
    if (!metadata.isObject()) {
      doc.error("/metadata", "required");
      return null;
    }
    String name = metadata.path("name").isTextual() ? metadata.get("name").asText() : null;
    String namespace =
        metadata.path("namespace").isMissingNode() || metadata.path("namespace").isNull()
            ? batch.defaultNamespace()
            : metadata.path("namespace").asText(null);
    doc.name(namespace + "/" + name);
    ObjectNames.labelViolation(name).ifPresent(v -> doc.error("/metadata/name", v));
    ObjectNames.labelViolation(namespace).ifPresent(v -> doc.error("/metadata/namespace", v));
    ObjectNode labels = DocumentChecks.labels(doc, metadata.path("labels"), "/metadata/labels");
    ObjectNode annotations =
        DocumentChecks.stringMap(doc, metadata.path("annotations"), "/metadata/annotations");
    if (promise.schemaError() != null) {
      doc.error(
          "/spec",
          "Promise " + promise.name() + " has an unusable schema: " + promise.schemaError());
      return null;
    }
    String version = promise.servedVersion(apiVersion, kind).orElseThrow();
    RequestSchema schema = promise.schemas().getOrDefault(version, RequestSchema.ANYTHING);
    JsonNode rawSpec = doc.node().get("spec");
    if (rawSpec != null && !rawSpec.isNull() && !rawSpec.isObject()) {
      doc.error("/spec", "must be an object");
      return null;
    }
    RequestSchema.Checked checked = schema.check(rawSpec, "/spec");
    checked.errors().forEach(e -> doc.error(e.path(), e.message()));
    if (doc.failed()) {
      return null;
    }
    ResourceKey key = new ResourceKey(namespace, promise.name(), name);
    labels.put(ApplyPlanner.PROMISE_NAME_LABEL, promise.name());

    ObjectNode resource = JsonNodeFactory.instance.objectNode();
    resource.put("apiVersion", apiVersion);
    resource.put("kind", kind);
    ObjectNode meta = resource.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", namespace);
    meta.put("generation", 0); // keeps its place; set below
    meta.set("labels", labels);
    if (!annotations.isEmpty()) {
      meta.set("annotations", annotations);
    }
    resource.set("spec", checked.spec());
    String specHash = Hashes.spec(resource);
    String metaHash = Hashes.meta(resource);

    RequestState existing = batch.request(key);
    Decision decision =
        Generations.decide(
            existing == null || existing.deleted()
                ? null
                : new Live(existing.generation(), existing.specHash(), existing.metaHash()),
            Math.max(
                batch.view().lastGeneration(key), existing == null ? 0 : existing.generation()),
            specHash,
            metaHash);
    long generation = decision.generation();
    Outcome outcome = decision.outcome();
    meta.put("generation", generation);
    batch.planned(RequestState.applied(key, generation, specHash, resource));
    return new RequestChange(key, generation, specHash, resource, outcome);
  }
}
