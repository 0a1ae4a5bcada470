package io.pledge.intake.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.intake.apply.AppliedObject;
import io.pledge.intake.apply.ApplyService;
import io.pledge.intake.apply.Origin;
import io.pledge.intake.auth.CurrentCaller;
import io.pledge.intake.compound.ComponentTree;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.ReadBarrier;
import io.pledge.intake.view.RequestState;
import io.pledge.intake.view.StatusRenderer;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Resource requests: their documents with Kratix-style status, and deletion. */
@Path("/api/v1/resources/{namespace}/{promise}")
@Tag(name = "resources")
public class ResourceRequestResource {

  private final IntakeView view;
  private final ApplyService service;
  private final CurrentCaller caller;
  private final ReadBarrier barrier;

  ResourceRequestResource(
      IntakeView view, ApplyService service, CurrentCaller caller, ReadBarrier barrier) {
    this.view = view;
    this.service = service;
    this.caller = caller;
    this.barrier = barrier;
  }

  @GET
  @Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML, MediaType.TEXT_PLAIN})
  @Operation(
      summary = "List the requests of a Promise in a namespace",
      description = "A <kind>List; text/plain gives kubectl's NAME MESSAGE STATUS table")
  public Response list(
      @PathParam("namespace") String namespace,
      @PathParam("promise") String promise,
      @Context HttpHeaders headers) {
    caller.requireNamespace(namespace);
    boolean reached = barrier.awaitAll();
    List<RequestState> requests =
        view.requests(namespace, promise).stream().filter(r -> view.exists(r.key())).toList();
    PromiseEntry entry = view.promise(promise).orElse(null);
    if (entry == null && requests.isEmpty()) {
      throw ProblemException.notFound("No Promise " + promise);
    }
    if (MediaTypes.prefersText(headers)) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAME", "MESSAGE", "STATUS"});
      requests.forEach(
          r -> rows.add(StatusRenderer.row(r, view.status(r.key().toString()).orElse(null))));
      return StaleWarning.unless(reached, Response.ok(table(rows), MediaType.TEXT_PLAIN_TYPE))
          .build();
    }
    return StaleWarning.unless(reached, Response.ok(list(entry, requests, view))).build();
  }

  /** A {@code <kind>List} of {@code requests} with their status, as kubectl lists them. */
  static ObjectNode list(PromiseEntry entry, List<RequestState> requests, IntakeView view) {
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    String kind = entry == null || entry.api().isEmpty() ? "Resource" : entry.api().get().kind();
    list.put("apiVersion", entry == null ? "v1" : entry.requestApiVersion().orElse("v1"));
    list.put("kind", kind + "List");
    ArrayNode items = list.putArray("items");
    requests.forEach(
        r -> items.add(StatusRenderer.resource(r, view.status(r.key().toString()).orElse(null))));
    return list;
  }

  @GET
  @Path("/{name}")
  @Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
  @Operation(summary = "A request with its status: conditions, pipelines, destinations, commits")
  public Response get(
      @PathParam("namespace") String namespace,
      @PathParam("promise") String promise,
      @PathParam("name") String name) {
    caller.requireNamespace(namespace);
    ResourceKey key = new ResourceKey(namespace, promise, name);
    boolean reached = barrier.awaitKey(key.toString());
    if (!view.exists(key)) {
      throw ProblemException.notFound("No resource " + key);
    }
    RequestState request = view.request(key).orElseThrow();
    ObjectNode document =
        StatusRenderer.resource(request, view.status(key.toString()).orElse(null));
    ArrayNode components = ComponentTree.of(key, view);
    if (!components.isEmpty()) {
      ((ObjectNode) document.path("status").path("pledge")).set("components", components);
    }
    return StaleWarning.unless(reached, Response.ok(document)).build();
  }

  @GET
  @Path("/{name}")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(
      summary = "Watch a request (?watch=true)",
      description =
          "Server-Sent Events ADDED, MODIFIED, DELETED whose data is the document with its status")
  public void watch(
      @PathParam("namespace") String namespace,
      @PathParam("promise") String promise,
      @PathParam("name") String name,
      @Context SseEventSink sink,
      @Context Sse sse) {
    caller.requireNamespace(namespace);
    ResourceKey key = new ResourceKey(namespace, promise, name);
    // Before the 404 and the first event: a request just created on another replica is found.
    barrier.awaitKey(key.toString());
    if (!view.exists(key)) {
      throw ProblemException.notFound("No resource " + key);
    }
    ResourceWatch.open(view, sink, sse, key.toString()::equals, List.of(key));
  }

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(summary = "Watch the requests of a Promise in a namespace (?watch=true)")
  public void watchAll(
      @PathParam("namespace") String namespace,
      @PathParam("promise") String promise,
      @Context SseEventSink sink,
      @Context Sse sse) {
    caller.requireNamespace(namespace);
    barrier.awaitAll();
    if (view.promise(promise).isEmpty()) {
      throw ProblemException.notFound("No Promise " + promise);
    }
    String prefix = new ResourceKey(namespace, promise, "").toString();
    List<ResourceKey> initial =
        view.requests(namespace, promise).stream().map(RequestState::key).toList();
    ResourceWatch.open(view, sink, sse, k -> k.startsWith(prefix), initial);
  }

  @DELETE
  @Path("/{name}")
  @Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
  @Operation(summary = "Delete a request: its delete workflow runs, then its files are removed")
  public Response delete(
      @PathParam("namespace") String namespace,
      @PathParam("promise") String promise,
      @PathParam("name") String name) {
    caller.requireNamespace(namespace);
    AppliedObject deleted =
        service.delete(new ResourceKey(namespace, promise, name), Origin.rest(caller.name()));
    return Response.accepted(deleted).build();
  }

  @POST
  @Path("/{name}/reconcile")
  @Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
  @Operation(
      summary = "Re-run the configure workflow at the current generation",
      description = "Kratix's kratix.io/manual-reconciliation label, as a call")
  public Response reconcile(
      @PathParam("namespace") String namespace,
      @PathParam("promise") String promise,
      @PathParam("name") String name) {
    caller.requireNamespace(namespace);
    AppliedObject reconciled =
        service.reconcile(new ResourceKey(namespace, promise, name), Origin.rest(caller.name()));
    return Response.accepted(reconciled).build();
  }

  static String table(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 3));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
