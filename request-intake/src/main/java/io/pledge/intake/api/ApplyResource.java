package io.pledge.intake.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.intake.IntakeConfig;
import io.pledge.intake.apply.AppliedObject;
import io.pledge.intake.apply.ApplyService;
import io.pledge.intake.apply.DocumentReader;
import io.pledge.intake.apply.Origin;
import io.pledge.intake.auth.CurrentCaller;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code kubectl apply} for Pledge: Promises, Destinations, state stores, NotificationPolicies and
 * resource requests.
 */
@Path("/api/v1/apply")
@Tag(name = "apply")
public class ApplyResource {

  private final ApplyService service;
  private final IntakeConfig config;
  private final CurrentCaller caller;

  ApplyResource(ApplyService service, IntakeConfig config, CurrentCaller caller) {
    this.service = service;
    this.config = config;
    this.caller = caller;
  }

  @POST
  @Consumes({
    MediaTypes.APPLICATION_YAML,
    MediaTypes.APPLICATION_X_YAML,
    MediaTypes.TEXT_YAML,
    MediaType.APPLICATION_JSON
  })
  @Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
  @Operation(
      summary = "Apply documents",
      description =
          "One or more Kratix documents (YAML separated by ---, or JSON: one object or an array)."
              + " All are validated first; if any is invalid nothing is applied.")
  @APIResponse(responseCode = "200", description = "What each document did")
  @APIResponse(responseCode = "400", description = "Malformed YAML or JSON")
  @APIResponse(responseCode = "401", description = "No valid bearer token (when auth is on)")
  @APIResponse(
      responseCode = "403",
      description = "Not allowed for this caller's role or namespace")
  @APIResponse(responseCode = "404", description = "No Promise offers a document's kind")
  @APIResponse(responseCode = "413", description = "Body over pledge.intake.max-body-size")
  @APIResponse(responseCode = "415", description = "Neither YAML nor JSON")
  @APIResponse(responseCode = "422", description = "Invalid documents; every failing field listed")
  @APIResponse(responseCode = "503", description = "Still replaying state, or the broker is down")
  public List<AppliedObject> apply(byte[] body, @Context HttpHeaders headers) {
    if (body.length > config.maxBodySize().asLongValue()) {
      throw BodyLimitFilter.tooLarge(body.length, config);
    }
    boolean json = MediaTypes.isJson(headers.getMediaType());
    List<JsonNode> documents = DocumentReader.read(body, json, config.maxDocuments());
    for (JsonNode document : documents) {
      String apiVersion = document.path("apiVersion").asText();
      if (KratixDocuments.API_VERSION.equals(apiVersion)
          || NotificationPolicyApplied.API_VERSION.equals(apiVersion)) {
        caller.requireAdmin("apply a " + document.path("kind").asText("platform document"));
      } else {
        caller.requireNamespace(
            document.path("metadata").path("namespace").asText(config.defaultNamespace()));
      }
    }
    return service.apply(documents, Origin.rest(caller.name()));
  }
}
