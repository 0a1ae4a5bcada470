package io.pledge.intake.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.status.Condition;
import io.pledge.contract.status.PipelinePhase;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.WorkState;
import io.pledge.contract.work.Placement;
import java.util.Locale;
import java.util.Map;

/**
 * Renders documents with a Kratix-style {@code status} (kratix.md §4) from a folded {@link
 * ResourceStatus}: what {@code kubectl get -o yaml} would show for a resource request or a Promise,
 * plus where its files landed ({@code status.destinations}, kratix#823).
 */
public final class StatusRenderer {

  private static final ObjectMapper JSON = EventCodec.JSON;
  static final String PENDING = "Pending";

  private StatusRenderer() {}

  /** The request document with its status. */
  public static ObjectNode resource(RequestState request, ResourceStatus status) {
    ObjectNode doc = request.document().deepCopy();
    ResourceStatus s = status == null ? ResourceStatus.empty(request.key().toString()) : status;
    ObjectNode out = doc.putObject("status");
    if (s.fields() != null) {
      out.setAll(s.fields().deepCopy());
    }
    out.put("message", s.message() == null ? PENDING : s.message());
    if (s.observedGeneration() > 0) {
      out.put("observedGeneration", s.observedGeneration());
    }
    out.set("conditions", JSON.valueToTree(s.conditions()));
    workflows(out, s);
    out.set("destinations", destinations(s));
    if (s.lastFailure() != null) {
      out.set("lastFailure", JSON.valueToTree(s.lastFailure()));
    }
    ObjectNode pledge = out.putObject("pledge");
    pledge.put("generation", Math.max(s.generation(), request.generation()));
    pledge.put("specHash", request.specHash());
    if (s.requester() != null) {
      pledge.put("requester", s.requester());
    }
    if (s.deleting()) {
      pledge.put("deleting", true);
    }
    if (s.lastRejection() != null) {
      pledge.set("lastRejection", JSON.valueToTree(s.lastRejection()));
    }
    if (!s.notifications().isEmpty()) {
      pledge.set("notifications", JSON.valueToTree(s.notifications().values()));
    }
    return doc;
  }

  /**
   * Whether a Promise's own workflows made its current generation Available (its requirements
   * aside).
   */
  public static boolean configured(PromiseEntry promise, ResourceStatus status) {
    return status != null
        && status.condition(Condition.AVAILABLE).map(Condition::isTrue).orElse(false)
        && status.observedGeneration() >= promise.generation();
  }

  /**
   * The Promise document with its status (kratix.md §1.1 and §4.4).
   *
   * @param requirements its requiredPromises with their states (it is Available only when every one
   *     is fulfilled) and the Promises that require it
   */
  public static ObjectNode promise(
      PromiseEntry promise, ResourceStatus status, PromiseRequirements requirements) {
    ObjectNode doc = promise.document().deepCopy();
    ResourceStatus s = status == null ? ResourceStatus.empty(promise.name()) : status;
    boolean fulfilled = requirements.fulfilled();
    boolean available = configured(promise, status) && fulfilled;
    ObjectNode out = doc.putObject("status");
    out.put("status", available ? "Available" : "Unavailable");
    out.put("message", s.message() == null ? PENDING : s.message());
    if (s.observedGeneration() > 0) {
      out.put("observedGeneration", s.observedGeneration());
    }
    promise
        .api()
        .ifPresent(
            crd -> {
              out.put("kind", crd.kind());
              crd.requestApiVersion()
                  .ifPresent(v -> out.put("apiVersion", v.toLowerCase(Locale.ROOT)));
            });
    String version =
        promise.promise().metadata() == null
            ? null
            : promise.promise().metadata().labelsOrEmpty().get("kratix.io/promise-version");
    out.put("version", version == null ? "not-set" : version);
    ArrayNode conditions = JSON.valueToTree(s.conditions());
    if (!requirements.states().isEmpty()) {
      out.set("requiredPromises", JSON.valueToTree(requirements.states()));
      requirementsCondition(conditions, fulfilled, s);
    }
    if (!requirements.requiredBy().isEmpty()) {
      out.set("requiredBy", JSON.valueToTree(requirements.requiredBy()));
    }
    out.set("conditions", conditions);
    ObjectNode kratix = workflows(out, s);
    // Kratix's lastAvailableTime: when the Promise last became Available.
    s.condition(Condition.AVAILABLE)
        .filter(c -> available && c.lastTransitionTime() != null)
        .ifPresent(
            c -> {
              out.set("lastAvailableTime", JSON.valueToTree(c.lastTransitionTime()));
              kratix.set("lastAvailableTime", JSON.valueToTree(c.lastTransitionTime()));
            });
    kratix.put("status", available ? "Available" : "Unavailable");
    out.set("destinations", destinations(s));
    if (s.lastFailure() != null) {
      out.set("lastFailure", JSON.valueToTree(s.lastFailure()));
    }
    return doc;
  }

  /**
   * Kratix's RequirementsFulfilled condition; while it is False, Available is False too, whatever
   * the Promise's own workflows say.
   */
  private static void requirementsCondition(
      ArrayNode conditions, boolean fulfilled, ResourceStatus s) {
    ObjectNode c = conditions.addObject();
    c.put("type", "RequirementsFulfilled");
    c.put("status", fulfilled ? Condition.TRUE : Condition.FALSE);
    c.put("reason", fulfilled ? "RequirementsInstalled" : "RequirementsNotInstalled");
    c.put("message", fulfilled ? "Requirements fulfilled" : "Requirements not fulfilled");
    if (!fulfilled) {
      for (JsonNode condition : conditions) {
        if (Condition.AVAILABLE.equals(condition.path("type").asText())) {
          ((ObjectNode) condition).put("status", Condition.FALSE);
          ((ObjectNode) condition).put("reason", "RequirementsNotInstalled");
          ((ObjectNode) condition).put("message", "Promise Requirements are not installed");
        }
      }
    }
  }

  /**
   * Kratix's workflow counts ({@code workflows}, {@code workflowsSucceeded}, {@code
   * workflowsFailed}: the pipelines of the current run), the last successful configure run and the
   * pipelines under {@code kratix.workflows}, for requests and Promises alike.
   *
   * @return the {@code kratix} object, for what else belongs there
   */
  private static ObjectNode workflows(ObjectNode out, ResourceStatus s) {
    out.put("workflows", s.pipelines().size());
    out.put(
        "workflowsSucceeded",
        s.pipelines().stream().filter(p -> PipelinePhase.SUCCEEDED.equals(p.phase())).count());
    out.put(
        "workflowsFailed",
        s.pipelines().stream().filter(p -> PipelinePhase.FAILED.equals(p.phase())).count());
    ObjectNode kratix = out.putObject("kratix");
    ObjectNode workflows = kratix.putObject("workflows");
    if (s.lastSuccessfulConfigureWorkflowTime() != null) {
      JsonNode time = JSON.valueToTree(s.lastSuccessfulConfigureWorkflowTime());
      out.set("lastSuccessfulConfigureWorkflowTime", time);
      workflows.set("lastSuccessfulConfigureWorkflowTime", time);
    }
    workflows.set("pipelines", JSON.valueToTree(s.pipelines()));
    return kratix;
  }

  /** Where each workload group of each Work went, and the commit that holds it. */
  static ArrayNode destinations(ResourceStatus s) {
    ArrayNode list = JSON.createArrayNode();
    for (Map.Entry<String, WorkState> e : s.works().entrySet()) {
      WorkState work = e.getValue();
      if (work.placements() == null) {
        continue;
      }
      for (Placement p : work.placements()) {
        ObjectNode d = list.addObject();
        d.put("name", p.destination());
        d.put("pipeline", work.pipeline());
        d.put("workloadGroupId", p.workloadGroupId());
        if (p.stateStore() != null) {
          d.put("stateStore", p.stateStore());
        }
        if (p.version() != null) {
          d.put("commit", p.version());
        }
        d.set("paths", JSON.valueToTree(p.paths() == null ? java.util.List.of() : p.paths()));
        d.put("state", work.state());
        if (p.misplaced()) {
          d.put("misplaced", true);
        }
      }
    }
    return list;
  }

  /** Kratix's default printer columns for a request: NAME, MESSAGE, STATUS. */
  public static String[] row(RequestState request, ResourceStatus status) {
    String message = status == null || status.message() == null ? PENDING : status.message();
    String display = status == null ? PENDING : status.displayStatus();
    return new String[] {request.key().name(), message, display};
  }
}
