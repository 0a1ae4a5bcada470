package io.pledge.intake.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.intake.apply.AppliedObject;
import io.pledge.intake.apply.ApplyService;
import io.pledge.intake.apply.DocumentReader;
import io.pledge.intake.apply.Origin;
import io.pledge.intake.auth.CurrentCaller;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.dryrun.DryRunResult;
import io.pledge.intake.dryrun.DryRunService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
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
  private final DryRunService dryRuns;

  ApplyResource(
      ApplyService service, IntakeConfig config, CurrentCaller caller, DryRunService dryRuns) {
    this.service = service;
    this.config = config;
    this.caller = caller;
    this.dryRuns = dryRuns;
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
              + " All are validated first; if any is invalid nothing is applied. With"
              + " dryRun=true: exactly one resource request, validated the same way, whose"
              + " configure workflow pipeline-runner runs with KRATIX_DRY_RUN=true; the answer"
              + " shows what it rendered and nothing is applied, committed or published.")
  @APIResponse(
      responseCode = "200",
      description =
          "What each document did; with dryRun=true, what the workflow rendered (a DryRunResult)",
      content = {
        @Content(
            mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(oneOf = {AppliedObject[].class, DryRunResult.class})),
        @Content(
            mediaType = MediaTypes.APPLICATION_YAML,
            schema = @Schema(oneOf = {AppliedObject[].class, DryRunResult.class}))
      })
  @APIResponse(
      responseCode = "400",
      description = "Malformed YAML or JSON; with dryRun=true, anything but one resource request")
  @APIResponse(responseCode = "401", description = "No valid bearer token (when auth is on)")
  @APIResponse(
      responseCode = "403",
      description = "Not allowed for this caller's role or namespace")
  @APIResponse(responseCode = "404", description = "No Promise offers a document's kind")
  @APIResponse(
      responseCode = "409",
      description = "dryRun=true: the Promise is not Available to pipeline-runner yet")
  @APIResponse(responseCode = "413", description = "Body over pledge.intake.max-body-size")
  @APIResponse(responseCode = "415", description = "Neither YAML nor JSON")
  @APIResponse(
      responseCode = "422",
      description =
          "Invalid documents, every failing field listed; with dryRun=true also a failed workflow"
              + " (pipeline, container, exitCode, stderrTail)")
  @APIResponse(responseCode = "503", description = "Still replaying state, or the broker is down")
  @APIResponse(
      responseCode = "504",
      description = "dryRun=true: no pipeline-runner answered in time")
  public Response apply(
      InputStream body,
      @Parameter(description = "Run the resource's configure workflow without applying anything")
          @QueryParam("dryRun")
          @DefaultValue("false")
          boolean dryRun,
      @Context HttpHeaders headers) {
    byte[] bytes = BodyLimitFilter.read(body, config);
    boolean json = MediaTypes.isJson(headers.getMediaType());
    List<JsonNode> documents = DocumentReader.read(bytes, json, config.maxDocuments());
    caller.requireMayApply(documents, config.defaultNamespace());
    if (dryRun) {
      return dryRuns.dryRun(documents, caller.name());
    }
    return Response.ok(service.apply(documents, Origin.rest(caller.name()))).build();
  }
}
