package io.pledge.intake.api;

import io.pledge.contract.ResourceKey;
import io.pledge.intake.auth.Caller;
import io.pledge.intake.auth.CurrentCaller;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
import io.pledge.intake.view.PromiseEntry;
import io.pledge.intake.view.ReadBarrier;
import io.pledge.intake.view.RequestState;
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
import java.util.function.Predicate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A Promise's requests in every namespace the caller may read ({@code pledge get KIND -A}), as a
 * list or a watch ({@code ?watch=true}, {@code pledge get KIND -A -w}).
 */
@Path("/api/v1/promises/{promise}/resources")
@Tag(name = "resources")
public class PromiseRequestsResource {

  private final IntakeView view;
  private final CurrentCaller caller;
  private final ReadBarrier barrier;

  PromiseRequestsResource(IntakeView view, CurrentCaller caller, ReadBarrier barrier) {
    this.view = view;
    this.caller = caller;
    this.barrier = barrier;
  }

  @GET
  @Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
  @Operation(
      summary = "List the requests of a Promise in every namespace",
      description =
          "A <kind>List of the requests in the namespaces the caller may use, in namespace and"
              + " name order")
  public Response list(@PathParam("promise") String promise) {
    boolean reached = barrier.awaitAll();
    List<RequestState> requests =
        view.requests(null, promise).stream()
            .filter(r -> view.exists(r.key()))
            .filter(r -> caller.mayUseNamespace(r.key().namespace()))
            .toList();
    PromiseEntry entry = view.promise(promise).orElse(null);
    if (entry == null && requests.isEmpty()) {
      throw ProblemException.notFound("No Promise " + promise);
    }
    return StaleWarning.unless(
            reached, Response.ok(ResourceRequestResource.list(entry, requests, view)))
        .build();
  }

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(
      summary = "Watch the requests of a Promise in every namespace (?watch=true)",
      description =
          "Server-Sent Events ADDED, MODIFIED, DELETED whose data is the document with its status,"
              + " for the namespaces the caller may use; the current requests first")
  public void watch(
      @PathParam("promise") String promise, @Context SseEventSink sink, @Context Sse sse) {
    barrier.awaitAll();
    if (view.promise(promise).isEmpty()) {
      throw ProblemException.notFound("No Promise " + promise);
    }
    // The caller as of now: the watch's events are sent after this request's scope has ended.
    Caller who = caller.get();
    Predicate<String> mine =
        key -> {
          if (!ResourceKey.isResourceKey(key)) {
            return false;
          }
          ResourceKey k = ResourceKey.parse(key);
          return k.promise().equals(promise) && who.mayUseNamespace(k.namespace());
        };
    List<ResourceKey> initial =
        view.requests(null, promise).stream()
            .map(RequestState::key)
            .filter(k -> mine.test(k.toString()))
            .toList();
    ResourceWatch.open(view, sink, sse, mine, initial);
  }
}
