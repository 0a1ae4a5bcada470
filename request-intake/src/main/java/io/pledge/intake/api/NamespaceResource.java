package io.pledge.intake.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.intake.auth.CurrentCaller;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.ReadBarrier;
import io.pledge.intake.view.RequestState;
import io.pledge.intake.view.StatusRenderer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Every resource request in one namespace, of any Promise: a {@code List}, or a watch of them all
 * ({@code ?watch=true}), as {@code kubectl get --watch} across kinds would give.
 */
@Path("/api/v1/resources/{namespace}")
@Tag(name = "resources")
public class NamespaceResource {

  private final IntakeView view;
  private final CurrentCaller caller;
  private final ReadBarrier barrier;

  NamespaceResource(IntakeView view, CurrentCaller caller, ReadBarrier barrier) {
    this.view = view;
    this.caller = caller;
    this.barrier = barrier;
  }

  @GET
  @Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
  @Operation(
      summary = "List the requests of every Promise in a namespace",
      description = "A List (apiVersion v1) whose items are the documents with their status")
  public Response list(@PathParam("namespace") String namespace) {
    caller.requireNamespace(namespace);
    boolean reached = barrier.awaitAll();
    return StaleWarning.unless(reached, Response.ok(list(view.requestsIn(namespace), view)))
        .build();
  }

  /** A List (apiVersion v1) of the live requests among {@code requests}, with their status. */
  static ObjectNode list(List<RequestState> requests, IntakeView view) {
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    list.put("apiVersion", "v1");
    list.put("kind", "List");
    ArrayNode items = list.putArray("items");
    requests.stream()
        .filter(r -> view.exists(r.key()))
        .forEach(
            r ->
                items.add(
                    StatusRenderer.resource(r, view.status(r.key().toString()).orElse(null))));
    return list;
  }

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(
      summary = "Watch the requests of every Promise in a namespace (?watch=true)",
      description =
          "Server-Sent Events ADDED, MODIFIED, DELETED whose data is the document with its status;"
              + " the current requests first")
  public void watch(
      @PathParam("namespace") String namespace, @Context SseEventSink sink, @Context Sse sse) {
    caller.requireNamespace(namespace);
    barrier.awaitAll();
    String prefix = namespace + "/";
    List<ResourceKey> initial = view.requestsIn(namespace).stream().map(RequestState::key).toList();
    ResourceWatch.open(view, sink, sse, k -> k.startsWith(prefix), initial);
  }
}
