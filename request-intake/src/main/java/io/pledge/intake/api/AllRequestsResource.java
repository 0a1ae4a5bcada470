package io.pledge.intake.api;

import io.pledge.contract.ResourceKey;
import io.pledge.intake.auth.Caller;
import io.pledge.intake.auth.CurrentCaller;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.ReadBarrier;
import io.pledge.intake.view.RequestState;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.function.Predicate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Every request of every Promise in the namespaces the caller may use, as a list or one watch: the
 * console's "My requests" follows them all on one connection (a browser opens at most six to a host
 * over HTTP/1.1, so one watch per Promise would starve the page's other calls).
 */
@Path("/api/v1/resources")
@Tag(name = "resources")
public class AllRequestsResource {

  private final IntakeView view;
  private final CurrentCaller caller;
  private final ReadBarrier barrier;

  AllRequestsResource(IntakeView view, CurrentCaller caller, ReadBarrier barrier) {
    this.view = view;
    this.caller = caller;
    this.barrier = barrier;
  }

  @GET
  @Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
  @Operation(
      summary = "List the requests of every Promise in every namespace the caller may use",
      description = "A List (apiVersion v1) whose items are the documents with their status")
  public Response list() {
    boolean reached = barrier.awaitAll();
    return StaleWarning.unless(
            reached, Response.ok(NamespaceResource.list(visible(caller.get()), view)))
        .build();
  }

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(
      summary = "Watch the requests of every Promise in every namespace the caller may use",
      description =
          "Server-Sent Events ADDED, MODIFIED, DELETED whose data is the document with its status;"
              + " the current requests first")
  public void watch(@Context SseEventSink sink, @Context Sse sse) {
    barrier.awaitAll();
    // The caller as of now: the watch's events are sent after this request's scope has ended.
    Caller who = caller.get();
    Predicate<String> mine =
        key ->
            ResourceKey.isResourceKey(key)
                && who.mayUseNamespace(ResourceKey.parse(key).namespace());
    List<ResourceKey> initial = visible(who).stream().map(RequestState::key).toList();
    ResourceWatch.open(view, sink, sse, mine, initial);
  }

  private List<RequestState> visible(Caller who) {
    return view.requestsWhere(k -> who.mayUseNamespace(k.namespace()));
  }
}
