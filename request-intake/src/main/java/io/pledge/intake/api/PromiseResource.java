package io.pledge.intake.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.intake.apply.AppliedObject;
import io.pledge.intake.apply.ApplyService;
import io.pledge.intake.apply.Origin;
import io.pledge.intake.auth.CurrentCaller;
import io.pledge.intake.logs.LogStore;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.PromiseRequirements;
import io.pledge.intake.view.ReadinessStatus;
import io.pledge.intake.view.StatusRenderer;
import io.pledge.intake.view.ViewLifecycle;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Promises, Destinations and state stores as they were applied, Promises with their status, and
 * their deletion. Everything but reading Promises is platform-admin only.
 */
@Path("/api/v1")
@Tag(name = "platform")
@Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
public class PromiseResource {

  private final IntakeView view;
  private final ApplyService service;
  private final CurrentCaller caller;
  private final LogStore logs;
  private final ViewLifecycle lifecycle;

  PromiseResource(
      IntakeView view,
      ApplyService service,
      CurrentCaller caller,
      LogStore logs,
      ViewLifecycle lifecycle) {
    this.view = view;
    this.service = service;
    this.caller = caller;
    this.logs = logs;
    this.lifecycle = lifecycle;
  }

  @GET
  @Path("/promises/{name}/logs")
  @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
  @Operation(summary = "Stage output of a Promise's workflow runs")
  public Response promiseLogs(
      @PathParam("name") String name,
      @QueryParam("pipeline") String pipeline,
      @QueryParam("container") String container,
      @QueryParam("generation") Long generation,
      @QueryParam("action") String action,
      @QueryParam("last") Integer last,
      @Context HttpHeaders headers) {
    caller.requireAdmin("read Promise logs");
    if (!logs.has(name) && view.promise(name).isEmpty()) {
      throw ProblemException.notFound("No Promise " + name);
    }
    return LogResource.answer(
        logs,
        lifecycle,
        name,
        LogResource.filter(pipeline, container, generation, action, last),
        headers);
  }

  @GET
  @Path("/promises")
  @Operation(summary = "Every Promise with its status")
  public ObjectNode promises() {
    ObjectNode list = list("PromiseList");
    ArrayNode items = list.putArray("items");
    for (PromiseEntry p : view.promises()) {
      items.add(
          StatusRenderer.promise(
              p, view.status(p.name()).orElse(null), PromiseRequirements.of(p, view)));
    }
    return list;
  }

  @GET
  @Path("/promises/{name}")
  @Operation(summary = "A Promise with its status (Available condition, pipelines, message)")
  public ObjectNode promise(@PathParam("name") String name) {
    PromiseEntry p =
        view.promise(name).orElseThrow(() -> ProblemException.notFound("No Promise " + name));
    return StatusRenderer.promise(
        p, view.status(name).orElse(null), PromiseRequirements.of(p, view));
  }

  @DELETE
  @Path("/promises/{name}")
  @Operation(
      summary = "Delete a Promise and, first, every request of it",
      description =
          "Each live request is deleted as DELETE /api/v1/resources does, then the Promise; its"
              + " kind is unknown from then on")
  @APIResponse(responseCode = "202", description = "The deleted requests, then the Promise")
  @APIResponse(responseCode = "404", description = "No such Promise")
  @APIResponse(responseCode = "503", description = "Still replaying state, or the broker is down")
  public Response deletePromise(@PathParam("name") String name) {
    caller.requireAdmin("delete Promises");
    List<AppliedObject> deleted = service.deletePromise(name, Origin.rest(caller.name()));
    return Response.accepted(deleted).build();
  }

  @GET
  @Path("/destinations")
  @Operation(summary = "Every Destination")
  public ObjectNode destinations() {
    return platformObjects(DestinationApplied.DESTINATION);
  }

  @GET
  @Path("/destinations/{name}")
  @Operation(summary = "A Destination as applied, with its Ready condition")
  @APIResponse(responseCode = "404", description = "No such Destination")
  public JsonNode destination(@PathParam("name") String name) {
    return platformObject(DestinationApplied.DESTINATION, name);
  }

  @DELETE
  @Path("/destinations/{name}")
  @Operation(summary = "Delete a Destination; nothing is scheduled to it any more")
  @APIResponse(responseCode = "200", description = "Deleted")
  @APIResponse(responseCode = "404", description = "No such Destination")
  public AppliedObject deleteDestination(@PathParam("name") String name) {
    return deletePlatformObject(DestinationApplied.DESTINATION, name);
  }

  @GET
  @Path("/gitstatestores")
  @Operation(summary = "Every GitStateStore")
  public ObjectNode gitStateStores() {
    return platformObjects(DestinationApplied.GIT_STATE_STORE);
  }

  @GET
  @Path("/gitstatestores/{name}")
  @Operation(summary = "A GitStateStore as applied, with its Ready condition")
  @APIResponse(responseCode = "404", description = "No such GitStateStore")
  public JsonNode gitStateStore(@PathParam("name") String name) {
    return platformObject(DestinationApplied.GIT_STATE_STORE, name);
  }

  @DELETE
  @Path("/gitstatestores/{name}")
  @Operation(summary = "Delete a GitStateStore no Destination uses")
  @APIResponse(responseCode = "200", description = "Deleted")
  @APIResponse(responseCode = "404", description = "No such GitStateStore")
  @APIResponse(responseCode = "409", description = "A Destination still uses it")
  public AppliedObject deleteGitStateStore(@PathParam("name") String name) {
    return deletePlatformObject(DestinationApplied.GIT_STATE_STORE, name);
  }

  @GET
  @Path("/bucketstatestores")
  @Operation(summary = "Every BucketStateStore")
  public ObjectNode bucketStateStores() {
    return platformObjects(DestinationApplied.BUCKET_STATE_STORE);
  }

  @GET
  @Path("/bucketstatestores/{name}")
  @Operation(summary = "A BucketStateStore as applied, with its Ready condition")
  @APIResponse(responseCode = "404", description = "No such BucketStateStore")
  public JsonNode bucketStateStore(@PathParam("name") String name) {
    return platformObject(DestinationApplied.BUCKET_STATE_STORE, name);
  }

  @DELETE
  @Path("/bucketstatestores/{name}")
  @Operation(summary = "Delete a BucketStateStore no Destination uses")
  @APIResponse(responseCode = "200", description = "Deleted")
  @APIResponse(responseCode = "404", description = "No such BucketStateStore")
  @APIResponse(responseCode = "409", description = "A Destination still uses it")
  public AppliedObject deleteBucketStateStore(@PathParam("name") String name) {
    return deletePlatformObject(DestinationApplied.BUCKET_STATE_STORE, name);
  }

  /** A {@code <Kind>List}; Destinations and state stores may name credentials' Secrets. */
  private ObjectNode platformObjects(String kind) {
    caller.requireAdmin("read " + kind + "s");
    ObjectNode list = list(kind + "List");
    ArrayNode items = list.putArray("items");
    for (DestinationApplied d : view.destinations()) {
      if (kind.equals(d.kind())) {
        items.add(withStatus(d));
      }
    }
    return list;
  }

  private JsonNode platformObject(String kind, String name) {
    caller.requireAdmin("read " + kind + "s");
    return view.destination(DestinationApplied.key(kind, name))
        .filter(d -> kind.equals(d.kind()))
        .map(this::withStatus)
        .orElseThrow(() -> ProblemException.notFound("No " + kind + " " + name));
  }

  /** The document with the Ready condition state-writer last published for it. */
  private JsonNode withStatus(DestinationApplied d) {
    return ReadinessStatus.withStatus(
        d.document(), view.readiness(DestinationApplied.key(d.kind(), d.name())).orElse(null));
  }

  private AppliedObject deletePlatformObject(String kind, String name) {
    caller.requireAdmin("delete " + kind + "s");
    return service.deleteDestination(kind, name, Origin.rest(caller.name()));
  }

  private static ObjectNode list(String kind) {
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    list.put("apiVersion", KratixDocuments.API_VERSION);
    list.put("kind", kind);
    return list;
  }
}
