package io.pledge.intake.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.intake.auth.CurrentCaller;
import io.pledge.intake.logs.LogStore;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.StatusRenderer;
import io.pledge.intake.view.ViewLifecycle;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Promises and Destinations as they were applied, Promises with their status. */
@Path("/api/v1")
@Tag(name = "platform")
@Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
public class PromiseResource {

  private final IntakeView view;
  private final CurrentCaller caller;
  private final LogStore logs;
  private final ViewLifecycle lifecycle;

  PromiseResource(IntakeView view, CurrentCaller caller, LogStore logs, ViewLifecycle lifecycle) {
    this.view = view;
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
      items.add(StatusRenderer.promise(p, view.status(p.name()).orElse(null)));
    }
    return list;
  }

  @GET
  @Path("/promises/{name}")
  @Operation(summary = "A Promise with its status (Available condition, pipelines, message)")
  public ObjectNode promise(@PathParam("name") String name) {
    PromiseEntry p =
        view.promise(name).orElseThrow(() -> ProblemException.notFound("No Promise " + name));
    return StatusRenderer.promise(p, view.status(name).orElse(null));
  }

  @GET
  @Path("/destinations")
  @Operation(summary = "Every Destination, GitStateStore and BucketStateStore")
  public ObjectNode destinations() {
    caller.requireAdmin("read Destinations");
    ObjectNode list = list("List");
    ArrayNode items = list.putArray("items");
    for (DestinationApplied d : view.destinations()) {
      items.add(d.document());
    }
    return list;
  }

  private static ObjectNode list(String kind) {
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    list.put("apiVersion", KratixDocuments.API_VERSION);
    list.put("kind", kind);
    return list;
  }
}
