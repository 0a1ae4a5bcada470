package io.pledge.intake.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.contract.request.Problem.FieldError;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PromiseEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what an apply changes, without side effects: validates every document, works out
 * generations and outcomes against the view, and either returns the changes or throws one problem
 * that lists everything wrong with every document. Documents earlier in a body are visible to later
 * ones, so a body may hold a Promise followed by requests for it ({@link ApplyBatch}). Each kind
 * has its planner: {@link PromisePlanner}, {@link DestinationPlanner}, {@link PolicyPlanner},
 * {@link RequestPlanner}.
 */
public final class ApplyPlanner {

  /** Added to every request, as Kratix labels its resource requests. */
  public static final String PROMISE_NAME_LABEL = "kratix.io/promise-name";

  static final Set<String> DESTINATION_KINDS =
      Set.of(
          DestinationApplied.DESTINATION,
          DestinationApplied.GIT_STATE_STORE,
          DestinationApplied.BUCKET_STATE_STORE);
  private final ApplyBatch batch;
  private final PromisePlanner promises;
  private final DestinationPlanner destinations;
  private final PolicyPlanner policies;
  private final RequestPlanner requests;
  private final List<FieldError> errors = new ArrayList<>();
  private final List<String> unknown = new ArrayList<>();
  private final List<String> invalidDocuments = new ArrayList<>();

  private ApplyPlanner(IntakeView view, String defaultNamespace) {
    this.batch = new ApplyBatch(view, defaultNamespace);
    this.promises = new PromisePlanner(batch);
    this.destinations = new DestinationPlanner(batch);
    this.policies = new PolicyPlanner(batch);
    this.requests = new RequestPlanner(batch);
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
      PlannedDocument doc =
          new PlannedDocument(documents.get(i), multi ? "/" + i : "", i + 1, multi, errors);
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

  private Change planOne(PlannedDocument doc) {
    String apiVersion = doc.node().path("apiVersion").asText("");
    String kind = doc.node().path("kind").asText("");
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
      return policies.plan(doc);
    }
    if (KratixDocuments.API_VERSION.equals(apiVersion)) {
      if ("Promise".equals(kind)) {
        return promises.plan(doc);
      }
      if (DESTINATION_KINDS.contains(kind)) {
        return destinations.plan(doc, kind);
      }
      unknown.add(doc.prefix() + "kind " + kind + " of " + apiVersion + " is not supported");
      return null;
    }
    Optional<PromiseEntry> promise = batch.promiseOffering(apiVersion, kind);
    if (promise.isEmpty()) {
      unknown.add(doc.prefix() + "no Promise offers kind " + kind + " in " + apiVersion);
      return null;
    }
    return requests.plan(doc, promise.get(), apiVersion, kind);
  }
}
