package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.RequiredPromises;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.request.Problem.FieldError;
import io.pledge.intake.apply.Change.DestinationChange;
import io.pledge.intake.apply.Change.PolicyChange;
import io.pledge.intake.apply.Change.PromiseChange;
import io.pledge.intake.apply.Change.RequestChange;
import io.pledge.intake.apply.Generations.Decision;
import io.pledge.intake.apply.Generations.Live;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.schema.RequestSchema;
import io.pledge.intake.schema.StructuralSchema;
import io.pledge.intake.view.Hashes;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PolicyEntry;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.RequestState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what an apply changes, without side effects: validates every document, works out
 * generations and outcomes against the view, and either returns the changes or throws one problem
 * that lists everything wrong with every document. Documents earlier in a body are visible to later
 * ones, so a body may hold a Promise followed by requests for it.
 */
public final class ApplyPlanner {

  /** Added to every request, as Kratix labels its resource requests. */
  public static final String PROMISE_NAME_LABEL = "kratix.io/promise-name";

  static final Set<String> DESTINATION_KINDS =
      Set.of(
          DestinationApplied.DESTINATION,
          DestinationApplied.GIT_STATE_STORE,
          DestinationApplied.BUCKET_STATE_STORE);
  private static final Set<String> FILEPATH_MODES =
      Set.of("nestedByMetadata", "aggregatedYAML", "none");
  private static final Set<String> CLEANUP = Set.of("none", "all");
  private static final Set<String> GIT_AUTH = Set.of("basicAuth", "ssh", "githubApp");
  private static final Set<String> BUCKET_AUTH = Set.of("accessKey", "IAM");
  private static final int MAX_PIPELINE_ID = 60;
  private static final Set<String> POLICY_SPEC_FIELDS = Set.of("promise", "rules");
  private static final Set<String> RULE_FIELDS =
      Set.of("events", "channel", "template", "subject", "to", "url", "webhookSecretRef");
  private static final Set<String> RULE_TEXT_FIELDS = Set.of("template", "subject", "to", "url");
  private static final Set<String> RULE_EVENTS =
      Set.of("requested", "reconciled", "failed", "deleted", "created", "updated");
  private static final Set<String> CHANNELS = Set.of("slack", "email", "billing");
  private static final Set<String> SECRET_REF_FIELDS = Set.of("name", "namespace");

  private final IntakeView view;
  private final String defaultNamespace;
  private final Map<String, PromiseEntry> batchPromises = new LinkedHashMap<>();
  private final Map<String, JsonNode> batchDestinations = new LinkedHashMap<>();
  private final Map<String, PolicyEntry> batchPolicies = new LinkedHashMap<>();
  private final Map<ResourceKey, RequestState> batchRequests = new LinkedHashMap<>();
  private final List<FieldError> errors = new ArrayList<>();
  private final List<String> unknown = new ArrayList<>();
  private final List<String> invalidDocuments = new ArrayList<>();

  private ApplyPlanner(IntakeView view, String defaultNamespace) {
    this.view = view;
    this.defaultNamespace = defaultNamespace;
  }

  /**
   * @return one change per document, in order
   * @throws ProblemException 404 when a document's kind is unknown, 422 when any is invalid
   */
  public static List<Change> plan(
      List<JsonNode> documents, IntakeView view, String defaultNamespace) {
    return new ApplyPlanner(view, defaultNamespace).planAll(documents);
  }

  /**
   * The lock keys an apply of {@code documents} touches, best effort (invalid ones are skipped).
   */
  public static Set<String> lockKeys(
      List<JsonNode> documents, IntakeView view, String defaultNamespace) {
    Set<String> keys = new HashSet<>();
    for (JsonNode d : documents) {
      String apiVersion = d.path("apiVersion").asText("");
      String kind = d.path("kind").asText("");
      String name = d.path("metadata").path("name").asText("");
      if (isPolicy(apiVersion, kind)) {
        keys.add(policyLockKey(name));
      } else if (KratixDocuments.API_VERSION.equals(apiVersion)) {
        keys.add(platformLockKey(kind, name));
      } else {
        String namespace = d.path("metadata").path("namespace").asText(defaultNamespace);
        view.promiseOffering(apiVersion, kind)
            .ifPresent(p -> keys.add(new ResourceKey(namespace, p.name(), name).toString()));
      }
    }
    return keys;
  }

  /**
   * The Promises whose requests {@code documents} apply (as {@link #platformLockKey} keys). Applies
   * hold them shared, so a Promise's delete, holding its key exclusively, sees every request.
   */
  public static Set<String> requestPromiseLockKeys(List<JsonNode> documents, IntakeView view) {
    Set<String> keys = new HashSet<>();
    for (JsonNode d : documents) {
      String apiVersion = d.path("apiVersion").asText("");
      if (!KratixDocuments.API_VERSION.equals(apiVersion)
          && !NotificationPolicyApplied.API_VERSION.equals(apiVersion)) {
        view.promiseOffering(apiVersion, d.path("kind").asText(""))
            .ifPresent(p -> keys.add(platformLockKey("Promise", p.name())));
      }
    }
    return keys;
  }

  /** The lock key of a Promise, Destination or state store, for apply and delete alike. */
  public static String platformLockKey(String kind, String name) {
    return kind + "/" + name;
  }

  /** The lock key of a NotificationPolicy, for apply and delete alike. */
  public static String policyLockKey(String name) {
    return NotificationPolicyApplied.KIND + "/" + name;
  }

  /**
   * Whether any document is a Promise, Destination, state store or NotificationPolicy: published
   * under {@link DefinitionFence}, unlike requests.
   */
  static boolean definesPlatform(List<JsonNode> documents) {
    for (JsonNode d : documents) {
      String apiVersion = d.path("apiVersion").asText("");
      String kind = d.path("kind").asText("");
      if (isPolicy(apiVersion, kind)
          || (KratixDocuments.API_VERSION.equals(apiVersion)
              && ("Promise".equals(kind) || DESTINATION_KINDS.contains(kind)))) {
        return true;
      }
    }
    return false;
  }

  static boolean isPolicy(String apiVersion, String kind) {
    return NotificationPolicyApplied.API_VERSION.equals(apiVersion)
        && NotificationPolicyApplied.KIND.equals(kind);
  }

  /**
   * The event subject a document's outcome is keyed by: its resource key, its Promise name, its
   * Destination key or its NotificationPolicy name; empty when the document does not say (no name,
   * no Promise for its kind).
   */
  public static Optional<String> subjectOf(JsonNode d, IntakeView view, String defaultNamespace) {
    String apiVersion = d.path("apiVersion").asText("");
    String kind = d.path("kind").asText("");
    String name = d.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      return Optional.empty();
    }
    if (isPolicy(apiVersion, kind)) {
      return Optional.of(name);
    }
    if (KratixDocuments.API_VERSION.equals(apiVersion)) {
      if ("Promise".equals(kind)) {
        return Optional.of(name);
      }
      return DESTINATION_KINDS.contains(kind)
          ? Optional.of(DestinationApplied.key(kind, name))
          : Optional.empty();
    }
    String namespace = d.path("metadata").path("namespace").asText(defaultNamespace);
    return view.promiseOffering(apiVersion, kind)
        .map(p -> new ResourceKey(namespace, p.name(), name).toString());
  }

  private List<Change> planAll(List<JsonNode> documents) {
    List<Change> changes = new ArrayList<>();
    boolean multi = documents.size() > 1;
    for (int i = 0; i < documents.size(); i++) {
      Doc doc = new Doc(documents.get(i), multi ? "/" + i : "", i + 1, multi);
      int before = errors.size() + unknown.size();
      Change change = planOne(doc);
      if (errors.size() + unknown.size() > before) {
        invalidDocuments.add(doc.label());
      } else if (change != null) {
        changes.add(change);
      }
    }
    if (!unknown.isEmpty()) {
      throw ProblemException.of(
          404, "unknown-kind", "Unknown kind", String.join("; ", unknown), List.copyOf(errors));
    }
    if (!errors.isEmpty()) {
      String detail =
          multi
              ? invalidDocuments.size()
                  + " of "
                  + documents.size()
                  + " documents are invalid: "
                  + String.join(", ", invalidDocuments)
              : invalidDocuments.get(0) + " is invalid";
      throw ProblemException.invalid(detail + "; nothing was applied", List.copyOf(errors));
    }
    return changes;
  }

  private Change planOne(Doc doc) {
    String apiVersion = doc.node.path("apiVersion").asText("");
    String kind = doc.node.path("kind").asText("");
    if (apiVersion.isEmpty()) {
      doc.error("/apiVersion", "required");
    }
    if (kind.isEmpty()) {
      doc.error("/kind", "required");
    }
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      return null;
    }
    if (isPolicy(apiVersion, kind)) {
      return planPolicy(doc);
    }
    if (KratixDocuments.API_VERSION.equals(apiVersion)) {
      if ("Promise".equals(kind)) {
        return planPromise(doc);
      }
      if (DESTINATION_KINDS.contains(kind)) {
        return planDestination(doc, kind);
      }
      unknown.add(doc.prefix() + "kind " + kind + " of " + apiVersion + " is not supported");
      return null;
    }
    Optional<PromiseEntry> promise = promiseOffering(apiVersion, kind);
    if (promise.isEmpty()) {
      unknown.add(doc.prefix() + "no Promise offers kind " + kind + " in " + apiVersion);
      return null;
    }
    return planRequest(doc, promise.get(), apiVersion, kind);
  }

  private Optional<PromiseEntry> promiseOffering(String apiVersion, String kind) {
    for (PromiseEntry p : batchPromises.values()) {
      if (p.servedVersion(apiVersion, kind).isPresent()) {
        return Optional.of(p);
      }
    }
    return view.promiseOffering(apiVersion, kind).filter(p -> !batchPromises.containsKey(p.name()));
  }

  // ---- Promise --------------------------------------------------------------------------------

  private Change planPromise(Doc doc) {
    String name = doc.node.path("metadata").path("name").asText(null);
    ObjectNames.labelViolation(name).ifPresent(v -> doc.error("/metadata/name", v));
    doc.name = name;
    labels(doc, doc.node.path("metadata").path("labels"), "/metadata/labels");
    JsonNode spec = doc.node.path("spec");
    if (!spec.isMissingNode() && !spec.isNull() && !spec.isObject()) {
      doc.error("/spec", "must be an object");
      return null;
    }
    selectors(doc, spec.path("destinationSelectors"), "/spec/destinationSelectors");
    Optional<PromiseEntry> existing =
        name == null
            ? Optional.empty()
            : Optional.ofNullable(batchPromises.get(name)).or(() -> view.promise(name));
    checkPromiseApi(doc, name, spec.path("api"), existing);
    checkWorkflows(doc, name == null ? "" : name, spec.path("workflows"));
    checkRequirements(doc, name, spec.path("requiredPromises"));
    if (doc.failed()) {
      return null;
    }
    ObjectNode document = doc.node.deepCopy();
    document.remove("status");
    String specHash = Hashes.spec(document);
    String metaHash = Hashes.meta(document);
    Decision decision =
        Generations.decide(
            existing.map(e -> new Live(e.generation(), e.specHash(), e.metaHash())).orElse(null),
            view.deletedPromiseGeneration(name),
            specHash,
            metaHash);
    long generation = decision.generation();
    Outcome outcome = decision.outcome();
    ((ObjectNode) document.path("metadata")).put("generation", generation);
    PromiseEntry entry;
    try {
      entry = PromiseEntry.of(name, generation, document, view.rejectUnknownFields());
    } catch (IllegalArgumentException e) {
      doc.error("/spec", e.getMessage());
      return null;
    }
    if (outcome == Outcome.UNCHANGED) {
      entry = existing.get();
    }
    batchPromises.put(name, entry);
    return new PromiseChange(entry, outcome);
  }

  /**
   * Each requiredPromises entry names a Promise; and no Promise may end up requiring itself, which
   * would hold every one of them Unavailable for good (the body's other Promises count as applied).
   */
  private void checkRequirements(Doc doc, String name, JsonNode required) {
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
    return Optional.ofNullable(batchPromises.get(promise))
        .or(() -> view.promise(promise))
        .map(p -> RequiredPromises.of(p.promise()).stream().map(RequiredPromises.Requirement::name))
        .map(names -> names.toList())
        .orElse(List.of());
  }

  private void checkPromiseApi(
      Doc doc, String name, JsonNode api, Optional<PromiseEntry> existing) {
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
          RequestSchema.compile(schema, view.rejectUnknownFields());
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
      for (PromiseEntry other : allPromises()) {
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

  private List<PromiseEntry> allPromises() {
    Map<String, PromiseEntry> all = new LinkedHashMap<>();
    view.promises().forEach(p -> all.put(p.name(), p));
    all.putAll(batchPromises);
    return List.copyOf(all.values());
  }

  private static void immutable(Doc doc, String path, JsonNode before, JsonNode after) {
    if (!before.isMissingNode() && !before.equals(after)) {
      doc.error(path, "immutable: was " + before.asText());
    }
  }

  private void checkWorkflows(Doc doc, String promise, JsonNode workflows) {
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
      Doc doc,
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

  // ---- Destinations and state stores -----------------------------------------------------------

  private Change planDestination(Doc doc, String kind) {
    String name = doc.node.path("metadata").path("name").asText(null);
    doc.name = name;
    ObjectNames.labelViolation(name).ifPresent(v -> doc.error("/metadata/name", v));
    labels(doc, doc.node.path("metadata").path("labels"), "/metadata/labels");
    JsonNode spec = doc.node.path("spec");
    if (!spec.isObject()) {
      doc.error("/spec", "required");
      return null;
    }
    String key = name == null ? "" : DestinationApplied.key(kind, name);
    JsonNode existing =
        batchDestinations.containsKey(key)
            ? batchDestinations.get(key)
            : view.destination(key).map(DestinationApplied::document).orElse(null);
    switch (kind) {
      case DestinationApplied.DESTINATION -> checkDestination(doc, spec, existing);
      case DestinationApplied.GIT_STATE_STORE -> {
        requireText(doc, spec, "url");
        relativePath(doc, spec.path("path"), "/spec/path");
        oneOf(doc, spec.path("authMethod"), "/spec/authMethod", GIT_AUTH);
      }
      default -> {
        requireText(doc, spec, "bucketName");
        requireText(doc, spec, "endpoint");
        relativePath(doc, spec.path("path"), "/spec/path");
        oneOf(doc, spec.path("authMethod"), "/spec/authMethod", BUCKET_AUTH);
      }
    }
    if (doc.failed()) {
      return null;
    }
    ObjectNode document = doc.node.deepCopy();
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
    batchDestinations.put(key, document);
    return new DestinationChange(kind, name, document, outcome);
  }

  private static void checkDestination(Doc doc, JsonNode spec, JsonNode existing) {
    JsonNode path = spec.path("path");
    if (!path.isTextual() || path.asText().isEmpty()) {
      doc.error("/spec/path", "required");
    } else {
      relativePath(doc, path, "/spec/path");
    }
    JsonNode ref = spec.path("stateStoreRef");
    oneOf(
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
    oneOf(doc, mode, "/spec/filepath/mode", FILEPATH_MODES);
    oneOf(doc, spec.path("cleanup"), "/spec/cleanup", CLEANUP);
    if (existing != null) {
      String before =
          existing.path("spec").path("filepath").path("mode").asText("nestedByMetadata");
      String after = mode.asText("nestedByMetadata");
      if (!before.equals(after)) {
        doc.error("/spec/filepath/mode", "immutable: was " + before);
      }
    }
  }

  private static void requireText(Doc doc, JsonNode spec, String field) {
    if (spec.path(field).asText("").isBlank()) {
      doc.error("/spec/" + field, "required");
    }
  }

  private static void oneOf(Doc doc, JsonNode value, String path, Set<String> allowed) {
    if (value.isMissingNode() || value.isNull()) {
      return;
    }
    if (!value.isTextual() || !allowed.contains(value.asText())) {
      doc.error(path, "must be one of " + new java.util.TreeSet<>(allowed));
    }
  }

  /** State store and Destination paths are folders inside a repository or bucket: no escape. */
  private static void relativePath(Doc doc, JsonNode path, String where) {
    if (path.isMissingNode() || path.isNull()) {
      return;
    }
    if (!path.isTextual()) {
      doc.error(where, "must be a string");
      return;
    }
    for (String segment : path.asText().split("/")) {
      if ("..".equals(segment)) {
        doc.error(where, "must not contain '..'");
        return;
      }
    }
    if (path.asText().contains("\\") || path.asText().indexOf('\0') >= 0) {
      doc.error(where, "must not contain '\\' or NUL");
    }
  }

  // ---- NotificationPolicies
  // -----------------------------------------------------------------------

  /**
   * A Pledge NotificationPolicy: cluster-scoped (a namespace is dropped, as the API server does),
   * generation and outcome as for Promises. {@code spec.promise} need not name a known Promise: a
   * policy may arrive before its Promise.
   */
  private Change planPolicy(Doc doc) {
    JsonNode metadata = doc.node.path("metadata");
    String name = metadata.path("name").isTextual() ? metadata.get("name").asText() : null;
    doc.name = name;
    ObjectNames.labelViolation(name).ifPresent(v -> doc.error("/metadata/name", v));
    labels(doc, metadata.path("labels"), "/metadata/labels");
    stringMap(doc, metadata.path("annotations"), "/metadata/annotations");
    JsonNode rawSpec = doc.node.path("spec");
    if (!rawSpec.isObject()) {
      doc.error(
          "/spec", rawSpec.isMissingNode() || rawSpec.isNull() ? "required" : "must be an object");
      return null;
    }
    ObjectNode document = doc.node.deepCopy();
    document.remove("status");
    ObjectNode spec = (ObjectNode) document.get("spec");
    unknownFields(doc, spec, "/spec", POLICY_SPEC_FIELDS);
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
    Optional<PolicyEntry> existing =
        Optional.ofNullable(batchPolicies.get(name)).or(() -> view.policy(name));
    Decision decision =
        Generations.decide(
            existing.map(e -> new Live(e.generation(), e.specHash(), e.metaHash())).orElse(null),
            view.deletedPolicyGeneration(name),
            specHash,
            metaHash);
    long generation = decision.generation();
    Outcome outcome = decision.outcome();
    ((ObjectNode) document.get("metadata")).put("generation", generation);
    PolicyEntry entry =
        outcome == Outcome.UNCHANGED ? existing.get() : PolicyEntry.of(name, generation, document);
    batchPolicies.put(name, entry);
    return new PolicyChange(entry, outcome);
  }

  private void checkRule(Doc doc, JsonNode rule, String path) {
    if (!(rule instanceof ObjectNode fields)) {
      doc.error(path, "must be an object");
      return;
    }
    unknownFields(doc, fields, path, RULE_FIELDS);
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
      oneOf(doc, channel, path + "/channel", CHANNELS);
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
    unknownFields(doc, refFields, path + "/webhookSecretRef", SECRET_REF_FIELDS);
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

  /**
   * Fields a Pledge document does not declare: rejected, or dropped, as {@code unknown-fields} says
   * for request specs. A typo such as {@code chanel} must not pass silently.
   */
  private void unknownFields(Doc doc, ObjectNode node, String path, Set<String> allowed) {
    List<String> unknownNames = new ArrayList<>();
    node.fieldNames()
        .forEachRemaining(
            f -> {
              if (!allowed.contains(f)) {
                unknownNames.add(f);
              }
            });
    for (String f : unknownNames) {
      if (view.rejectUnknownFields()) {
        doc.error(path + "/" + pointerSegment(f), "unknown field");
      } else {
        node.remove(f);
      }
    }
  }

  private static String pointerSegment(String field) {
    return field.replace("~", "~0").replace("/", "~1");
  }

  // ---- Resource requests -----------------------------------------------------------------------

  private Change planRequest(Doc doc, PromiseEntry promise, String apiVersion, String kind) {
    JsonNode metadata = doc.node.path("metadata");
    if (!metadata.isObject()) {
      doc.error("/metadata", "required");
      return null;
    }
    String name = metadata.path("name").isTextual() ? metadata.get("name").asText() : null;
    String namespace =
        metadata.path("namespace").isMissingNode() || metadata.path("namespace").isNull()
            ? defaultNamespace
            : metadata.path("namespace").asText(null);
    doc.name = namespace + "/" + name;
    ObjectNames.labelViolation(name).ifPresent(v -> doc.error("/metadata/name", v));
    ObjectNames.labelViolation(namespace).ifPresent(v -> doc.error("/metadata/namespace", v));
    ObjectNode labels = labels(doc, metadata.path("labels"), "/metadata/labels");
    ObjectNode annotations = stringMap(doc, metadata.path("annotations"), "/metadata/annotations");
    if (promise.schemaError() != null) {
      doc.error(
          "/spec",
          "Promise " + promise.name() + " has an unusable schema: " + promise.schemaError());
      return null;
    }
    String version = promise.servedVersion(apiVersion, kind).orElseThrow();
    RequestSchema schema = promise.schemas().getOrDefault(version, RequestSchema.ANYTHING);
    JsonNode rawSpec = doc.node.get("spec");
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
    labels.put(PROMISE_NAME_LABEL, promise.name());

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

    RequestState existing =
        batchRequests.containsKey(key) ? batchRequests.get(key) : view.request(key).orElse(null);
    Decision decision =
        Generations.decide(
            existing == null || existing.deleted()
                ? null
                : new Live(existing.generation(), existing.specHash(), existing.metaHash()),
            Math.max(view.lastGeneration(key), existing == null ? 0 : existing.generation()),
            specHash,
            metaHash);
    long generation = decision.generation();
    Outcome outcome = decision.outcome();
    meta.put("generation", generation);
    batchRequests.put(key, RequestState.applied(key, generation, specHash, resource));
    return new RequestChange(key, generation, specHash, resource, outcome);
  }

  /** {@code metadata.labels}: strings, with keys and values as Kubernetes allows them. */
  private static ObjectNode labels(Doc doc, JsonNode map, String path) {
    ObjectNode labels = stringMap(doc, map, path);
    labels
        .properties()
        .forEach(
            l -> {
              String where = path + "/" + pointerSegment(l.getKey());
              LabelRules.keyViolation(l.getKey()).ifPresent(v -> doc.error(where, v));
              LabelRules.valueViolation(l.getValue().asText()).ifPresent(v -> doc.error(where, v));
            });
    return labels;
  }

  /**
   * A Promise's {@code destinationSelectors[].matchLabels}: a label no Destination may carry would
   * never match, so it is refused like a bad label.
   */
  private static void selectors(Doc doc, JsonNode selectors, String path) {
    if (!selectors.isArray()) {
      return; // its shape is the model's concern
    }
    for (int i = 0; i < selectors.size(); i++) {
      JsonNode matchLabels = selectors.get(i).path("matchLabels");
      if (matchLabels.isObject()) {
        labels(doc, matchLabels, path + "/" + i + "/matchLabels");
      }
    }
  }

  /** Labels and annotations: string to string, as Kubernetes requires. */
  private static ObjectNode stringMap(Doc doc, JsonNode map, String path) {
    ObjectNode copy = JsonNodeFactory.instance.objectNode();
    if (map.isMissingNode() || map.isNull()) {
      return copy;
    }
    if (!map.isObject()) {
      doc.error(path, "must be a map of strings");
      return copy;
    }
    map.fields()
        .forEachRemaining(
            f -> {
              if (f.getValue().isTextual()) {
                copy.put(f.getKey(), f.getValue().asText());
              } else {
                doc.error(
                    path + "/" + f.getKey().replace("~", "~0").replace("/", "~1"),
                    "must be a string");
              }
            });
    return copy;
  }

  /** One document being planned, and where its errors go. */
  private final class Doc {
    final JsonNode node;
    final String pointerPrefix;
    final int number;
    final boolean multi;
    String name;
    private int errorCount;

    Doc(JsonNode node, String pointerPrefix, int number, boolean multi) {
      this.node = node;
      this.pointerPrefix = pointerPrefix;
      this.number = number;
      this.multi = multi;
    }

    void error(String path, String message) {
      errors.add(new FieldError(pointerPrefix + path, message));
      errorCount++;
    }

    boolean failed() {
      return errorCount > 0;
    }

    String label() {
      String kind = node.path("kind").asText("document");
      String what = name == null ? kind : kind + " \"" + name + "\"";
      return multi ? "document " + number + " (" + what + ")" : what;
    }

    String prefix() {
      return multi ? "document " + number + ": " : "";
    }
  }
}
