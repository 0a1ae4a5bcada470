package io.pledge.intake.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.intake.apply.AppliedObject;
import io.pledge.intake.apply.ApplyService;
import io.pledge.intake.apply.Origin;
import io.pledge.intake.auth.CurrentCaller;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PolicyEntry;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Pledge's NotificationPolicies as applied. Platform-admin only, reads included: a rule may carry a
 * webhook URL or recipients.
 */
@Path("/api/v1/notificationpolicies")
@Tag(name = "platform")
@Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
public class NotificationPolicyResource {

  private final IntakeView view;
  private final ApplyService service;
  private final CurrentCaller caller;

  NotificationPolicyResource(IntakeView view, ApplyService service, CurrentCaller caller) {
    this.view = view;
    this.service = service;
    this.caller = caller;
  }

  @GET
  @Operation(summary = "Every NotificationPolicy")
  public ObjectNode policies() {
    caller.requireAdmin("read NotificationPolicies");
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    list.put("apiVersion", NotificationPolicyApplied.API_VERSION);
    list.put("kind", NotificationPolicyApplied.KIND + "List");
    ArrayNode items = list.putArray("items");
    for (PolicyEntry p : view.policies()) {
      items.add(p.document());
    }
    return list;
  }

  @GET
  @Path("/{name}")
  @Operation(summary = "A NotificationPolicy as applied, with metadata.generation")
  @APIResponse(responseCode = "404", description = "No such NotificationPolicy")
  public JsonNode policy(@PathParam("name") String name) {
    caller.requireAdmin("read NotificationPolicies");
    return view.policy(name)
        .map(PolicyEntry::document)
        .orElseThrow(() -> ProblemException.notFound("No NotificationPolicy " + name));
  }

  @DELETE
  @Path("/{name}")
  @Operation(summary = "Delete a NotificationPolicy; its rules stop applying")
  @APIResponse(responseCode = "200", description = "Deleted")
  @APIResponse(responseCode = "404", description = "No such NotificationPolicy")
  @APIResponse(responseCode = "503", description = "Still replaying state, or the broker is down")
  public AppliedObject delete(@PathParam("name") String name) {
    caller.requireAdmin("delete NotificationPolicies");
    return service.deletePolicy(name, Origin.rest(caller.name()));
  }
}
