package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.kratix.RequiredPromises;
import io.pledge.contract.request.Problem.FieldError;
import io.pledge.intake.apply.Change.PromiseChange;
import io.pledge.intake.apply.Generations.Decision;
import io.pledge.intake.apply.Generations.Live;
import io.pledge.intake.schema.RequestSchema;
import io.pledge.intake.schema.StructuralSchema;
import io.pledge.intake.view.Hashes;
import io.pledge.intake.view.PromiseEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Plans a Promise: its name, API (a CustomResourceDefinition whose group, kind and plural cannot
 * change, and whose kind no other Promise offers), workflows and required Promises, then its
 * generation and outcome.
 */
final class PromisePlanner {

  private static final int MAX_PIPELINE_ID = 60;

  private final ApplyBatch batch;

  PromisePlanner(ApplyBatch batch) {
    this.batch = batch;
  }

  Change plan(PlannedDocument doc) {
    String name = doc.node().path("metadata").path("name").asText(null);
    ObjectNames.labelViolation(name).ifPresent(v -> doc.error("/metadata/name", v));
    doc.name(name);
    DocumentChecks.labels(doc, doc.node().path("metadata").path("labels"), "/metadata/labels");
    JsonNode spec = doc.node().path("spec");
    if (!spec.isMissingNode() && !spec.isNull() && !spec.isObject()) {
      doc.error("/spec", "must be an object");
      return null;
    }
    DocumentChecks.selectors(doc, spec.path("destinationSelectors"), "/spec/destinationSelectors");
    Optional<PromiseEntry> existing = name == null ? Optional.empty() : batch.promise(name);
    checkPromiseApi(doc, name, spec.path("api"), existing);
    checkWorkflows(doc, name == null ? "" : name, spec.path("workflows"));
    checkRequirements(doc, name, spec.path("requiredPromises"));
    if (doc.failed()) {
      return null;
    }
    ObjectNode document = doc.node().deepCopy();
    document.remove("status");
    String specHash = Hashes.spec(document);
    String metaHash = Hashes.meta(document);
    Decision decision =
        Generations.decide(
            existing.map(e -> new Live(e.generation(), e.specHash(), e.metaHash())).orElse(null),
            batch.view().deletedPromiseGeneration(name),
            specHash,
            metaHash);
    long generation = decision.generation();
    Outcome outcome = decision.outcome();
    ((ObjectNode) document.path("metadata")).put("generation", generation);
    PromiseEntry entry;
    try {
      entry = PromiseEntry.of(name, generation, document, batch.view().rejectUnknownFields());
    } catch (IllegalArgumentException e) {
      doc.error("/spec", e.getMessage());
      return null;
    }
    if (outcome == Outcome.UNCHANGED) {
      entry = existing.get();
    }
    batch.planned(entry);
    return new PromiseChange(entry, outcome);
  }

  /**
   * Each requiredPromises entry names a Promise; and no Promise may end up requiring itself, which
   * would hold every one of them Unavailable for good (the body's other Promises count as applied).
   */
  private void checkRequirements(PlannedDocument doc, String name, JsonNode required) {
    if (required.isMissingNode() || required.isNull()) {
      return;
    }
    if (!required.isArray()) {
      doc.error("/spec/requiredPromises", "must be a list of {name, version}");
      return;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < required.size(); i++) {
      String requirement = required.get(i).path("name").asText("");
      if (requirement.isEmpty()) {
        doc.error("/spec/requiredPromises/" + i + "/name", "is required");
      } else {
        names.add(requirement);
      }
    }
    if (name == null) {
      return;
    }
    RequiredPromises.cycle(name, names, this::requiredBy)
        .ifPresent(
            cycle ->
                doc.error(
                    "/spec/requiredPromises",
                    "would make a cycle of required Promises: " + String.join(" -> ", cycle)));
  }

  /** The Promises {@code promise} requires, as this body or the view has it. */
  private List<String> requiredBy(String promise) {
    return batch
        .promise(promise)
        .map(p -> RequiredPromises.of(p.promise()).stream().map(RequiredPromises.Requirement::name))
        .map(names -> names.toList())
        .orElse(List.of());
  }

  private void checkPromiseApi(
      PlannedDocument doc, String name, JsonNode api, Optional<PromiseEntry> existing) {
    Optional<JsonNode> before =
        existing.map(e -> e.document().path("spec").path("api")).filter(JsonNode::isObject);
    if (api.isMissingNode() || api.isNull()) {
      if (before.isPresent()) {
        doc.error("/spec/api", "a Promise's API cannot be removed");
      }
      return;
    }
    if (!api.isObject()) {
      doc.error("/spec/api", "must be a CustomResourceDefinition");
      return;
    }
    String base = "/spec/api";
    JsonNode crdSpec = api.path("spec");
    String group = crdSpec.path("group").asText("");
    String kind = crdSpec.path("names").path("kind").asText("");
    String plural = crdSpec.path("names").path("plural").asText("");
    if (group.isEmpty()) {
      doc.error(base + "/spec/group", "required");
    }
    if (kind.isEmpty()) {
      doc.error(base + "/spec/names/kind", "required");
    }
    String scope = crdSpec.path("scope").asText("Namespaced");
    if (!"Namespaced".equals(scope)) {
      doc.error(base + "/spec/scope", "must be Namespaced: resource requests live in namespaces");
    }
    String crdName = api.path("metadata").path("name").asText("");
    if (!crdName.isEmpty()
        && !plural.isEmpty()
        && !group.isEmpty()
        && !crdName.equals(plural + "." + group)) {
      doc.error(base + "/metadata/name", "must be " + plural + "." + group);
    }
    JsonNode versions = crdSpec.path("versions");
    if (!versions.isArray() || versions.isEmpty()) {
      doc.error(base + "/spec/versions", "at least one version is required");
    } else {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < versions.size(); i++) {
        JsonNode v = versions.get(i);
        String path = base + "/spec/versions/" + i;
        String versionName = v.path("name").asText("");
        if (versionName.isEmpty()) {
          doc.error(path + "/name", "required");
        } else if (!seen.add(versionName)) {
          doc.error(path + "/name", "duplicate version " + versionName);
        }
        JsonNode schema = v.path("schema").path("openAPIV3Schema");
        List<FieldError> structural =
            StructuralSchema.violations(schema, path + "/schema/openAPIV3Schema");
        structural.forEach(e -> doc.error(e.path(), e.message()));
        if (!structural.isEmpty()) {
          continue;
        }
        try {
          RequestSchema.compile(schema, batch.view().rejectUnknownFields());
        } catch (IllegalArgumentException e) {
          doc.error(path + "/schema/openAPIV3Schema", e.getMessage());
        }
      }
    }
    if (before.isPresent()) {
      JsonNode old = before.get().path("spec");
      immutable(doc, base + "/spec/group", old.path("group"), crdSpec.path("group"));
      immutable(
          doc,
          base + "/spec/names/kind",
          old.path("names").path("kind"),
          crdSpec.path("names").path("kind"));
      immutable(
          doc,
          base + "/spec/names/plural",
          old.path("names").path("plural"),
          crdSpec.path("names").path("plural"));
    }
    if (!group.isEmpty() && !kind.isEmpty()) {
      for (PromiseEntry other : batch.allPromises()) {
        if (other.name().equals(name) || other.api().isEmpty()) {
          continue;
        }
        if (group.equals(other.api().get().group()) && kind.equals(other.api().get().kind())) {
          doc.error(
              base + "/spec/names/kind",
              "kind "
                  + kind
                  + " of group "
                  + group
                  + " is already offered by Promise "
                  + other.name());
        }
      }
    }
  }

  private static void immutable(PlannedDocument doc, String path, JsonNode before, JsonNode after) {
    if (!before.isMissingNode() && !before.equals(after)) {
      doc.error(path, "immutable: was " + before.asText());
    }
  }

  private void checkWorkflows(PlannedDocument doc, String promise, JsonNode workflows) {
    if (workflows.isMissingNode() || workflows.isNull()) {
      return;
    }
    if (!workflows.isObject()) {
      doc.error("/spec/workflows", "must be an object");
      return;
    }
    for (String type : List.of("promise", "resource")) {
      for (String action : List.of("configure", "delete")) {
        JsonNode pipelines = workflows.path(type).path(action);
        String path = "/spec/workflows/" + type + "/" + action;
        if (pipelines.isMissingNode() || pipelines.isNull()) {
          continue;
        }
        if (!pipelines.isArray()) {
          doc.error(path, "must be a list of Pipelines");
          continue;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < pipelines.size(); i++) {
          checkPipeline(doc, promise, type, action, pipelines.get(i), path + "/" + i, names);
        }
      }
    }
  }

  private static void checkPipeline(
      PlannedDocument doc,
      String promise,
      String type,
      String action,
      JsonNode p,
      String path,
      Set<String> names) {
    if (!p.isObject()) {
      doc.error(path, "must be a Pipeline");
      return;
    }
    String kind = p.path("kind").asText("Pipeline");
    if (!"Pipeline".equals(kind)) {
      doc.error(path + "/kind", "must be Pipeline");
    }
    String name = p.path("metadata").path("name").asText(null);
    Optional<String> violation = ObjectNames.labelViolation(name);
    if (violation.isPresent()) {
      doc.error(path + "/metadata/name", violation.get());
    } else {
      if (!names.add(name)) {
        doc.error(path + "/metadata/name", "duplicate pipeline name " + name);
      }
      String id = promise + "-" + type + "-" + action + "-" + name;
      if (id.length() > MAX_PIPELINE_ID) {
        doc.error(
            path + "/metadata/name",
            "the pipeline id " + id + " is longer than " + MAX_PIPELINE_ID + " characters");
      }
    }
    JsonNode containers = p.path("spec").path("containers");
    if (!containers.isArray() || containers.isEmpty()) {
      doc.error(path + "/spec/containers", "at least one container is required");
      return;
    }
    Set<String> containerNames = new HashSet<>();
    for (int i = 0; i < containers.size(); i++) {
      JsonNode c = containers.get(i);
      String cpath = path + "/spec/containers/" + i;
      String cname = c.path("name").asText(null);
      ObjectNames.labelViolation(cname).ifPresent(v -> doc.error(cpath + "/name", v));
      if (cname != null && !containerNames.add(cname)) {
        doc.error(cpath + "/name", "duplicate container name " + cname);
      }
      if (c.path("image").asText("").isBlank()) {
        doc.error(cpath + "/image", "required");
      }
    }
  }
}
