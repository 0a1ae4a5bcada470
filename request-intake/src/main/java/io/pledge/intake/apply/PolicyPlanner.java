package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.intake.apply.Change.PolicyChange;
import io.pledge.intake.apply.Generations.Decision;
import io.pledge.intake.apply.Generations.Live;
import io.pledge.intake.view.Hashes;
import io.pledge.intake.view.PolicyEntry;
import java.util.Optional;
import java.util.Set;

/**
 * Plans a Pledge NotificationPolicy: its rules (events, channel, texts, webhook secret), fields it
 * does not declare, then its generation and outcome as for Promises.
 */
final class PolicyPlanner {

  private static final Set<String> POLICY_SPEC_FIELDS = Set.of("promise", "rules");
  private static final Set<String> RULE_FIELDS =
      Set.of("events", "channel", "template", "subject", "to", "url", "webhookSecretRef");
  private static final Set<String> RULE_TEXT_FIELDS = Set.of("template", "subject", "to", "url");
  private static final Set<String> RULE_EVENTS =
      Set.of("requested", "reconciled", "failed", "deleted", "created", "updated");
  private static final Set<String> CHANNELS = Set.of("slack", "email", "billing");
  private static final Set<String> SECRET_REF_FIELDS = Set.of("name", "namespace");

  private final ApplyBatch batch;

  PolicyPlanner(ApplyBatch batch) {
    this.batch = batch;
  }

  /**
   * A Pledge NotificationPolicy: cluster-scoped (a namespace is dropped, as the API server does),
   * generation and outcome as for Promises. {@code spec.promise} need not name a known Promise: a
   * policy may arrive before its Promise.
   */
  Change plan(PlannedDocument doc) {
    JsonNode metadata = doc.node().path("metadata");
    String name = metadata.path("name").isTextual() ? metadata.get("name").asText() : null;
    doc.name(name);
    ObjectNames.labelViolation(name).ifPresent(v -> doc.error("/metadata/name", v));
    DocumentChecks.labels(doc, metadata.path("labels"), "/metadata/labels");
    DocumentChecks.stringMap(doc, metadata.path("annotations"), "/metadata/annotations");
    JsonNode rawSpec = doc.node().path("spec");
    if (!rawSpec.isObject()) {
      doc.error(
          "/spec", rawSpec.isMissingNode() || rawSpec.isNull() ? "required" : "must be an object");
      return null;
    }
    ObjectNode document = doc.node().deepCopy();
    document.remove("status");
    ObjectNode spec = (ObjectNode) document.get("spec");
    DocumentChecks.unknownFields(
        doc, spec, "/spec", POLICY_SPEC_FIELDS, batch.view().rejectUnknownFields());
    JsonNode promise = spec.path("promise");
    if (!promise.isMissingNode() && !promise.isNull()) {
      if (!promise.isTextual()) {
        doc.error("/spec/promise", "must be a string (a Promise name)");
      } else {
        ObjectNames.labelViolation(promise.asText()).ifPresent(v -> doc.error("/spec/promise", v));
      }
    }
    JsonNode rules = spec.path("rules");
    if (!rules.isArray() || rules.isEmpty()) {
      doc.error("/spec/rules", rules.isArray() ? "at least one rule is required" : "required");
    } else {
      for (int i = 0; i < rules.size(); i++) {
        checkRule(doc, rules.get(i), "/spec/rules/" + i);
      }
    }
    if (doc.failed()) {
      return null;
    }
    if (document.get("metadata") instanceof ObjectNode meta) {
      meta.remove("namespace");
    }
    String specHash = Hashes.spec(document);
    String metaHash = Hashes.meta(document);
    Optional<PolicyEntry> existing = batch.policy(name);
    Decision decision =
        Generations.decide(
            existing.map(e -> new Live(e.generation(), e.specHash(), e.metaHash())).orElse(null),
            batch.view().deletedPolicyGeneration(name),
            specHash,
            metaHash);
    long generation = decision.generation();
    Outcome outcome = decision.outcome();
    ((ObjectNode) document.get("metadata")).put("generation", generation);
    PolicyEntry entry =
        outcome == Outcome.UNCHANGED ? existing.get() : PolicyEntry.of(name, generation, document);
    batch.planned(entry);
    return new PolicyChange(entry, outcome);
  }

  private void checkRule(PlannedDocument doc, JsonNode rule, String path) {
    if (!(rule instanceof ObjectNode fields)) {
      doc.error(path, "must be an object");
      return;
    }
    DocumentChecks.unknownFields(
        doc, fields, path, RULE_FIELDS, batch.view().rejectUnknownFields());
    JsonNode events = rule.path("events");
    if (!events.isArray() || events.isEmpty()) {
      doc.error(
          path + "/events",
          "at least one event is required, of " + new java.util.TreeSet<>(RULE_EVENTS));
    } else {
      for (int j = 0; j < events.size(); j++) {
        JsonNode event = events.get(j);
        if (!event.isTextual() || !RULE_EVENTS.contains(event.asText())) {
          doc.error(
              path + "/events/" + j, "must be one of " + new java.util.TreeSet<>(RULE_EVENTS));
        }
      }
    }
    JsonNode channel = rule.path("channel");
    if (channel.isMissingNode() || channel.isNull()) {
      doc.error(path + "/channel", "required, one of " + new java.util.TreeSet<>(CHANNELS));
    } else {
      DocumentChecks.oneOf(doc, channel, path + "/channel", CHANNELS);
    }
    for (String field : RULE_TEXT_FIELDS) {
      JsonNode value = rule.path(field);
      if (!value.isMissingNode() && !value.isNull() && !value.isTextual()) {
        doc.error(path + "/" + field, "must be a string");
      }
    }
    JsonNode ref = rule.path("webhookSecretRef");
    if (ref.isMissingNode() || ref.isNull()) {
      return;
    }
    if (!(ref instanceof ObjectNode refFields)) {
      doc.error(path + "/webhookSecretRef", "must be an object {name, namespace}");
      return;
    }
    DocumentChecks.unknownFields(
        doc,
        refFields,
        path + "/webhookSecretRef",
        SECRET_REF_FIELDS,
        batch.view().rejectUnknownFields());
    if (!ref.path("name").isTextual() || ref.path("name").asText().isBlank()) {
      doc.error(path + "/webhookSecretRef/name", "required");
    }
    JsonNode namespace = ref.path("namespace");
    if (namespace.isMissingNode() || namespace.isNull()) {
      return;
    }
    if (!namespace.isTextual()) {
      doc.error(path + "/webhookSecretRef/namespace", "must be a string");
    } else {
      ObjectNames.labelViolation(namespace.asText())
          .ifPresent(v -> doc.error(path + "/webhookSecretRef/namespace", v));
    }
  }
}
