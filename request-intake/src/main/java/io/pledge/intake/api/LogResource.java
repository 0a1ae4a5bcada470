package io.pledge.intake.api;

import io.pledge.contract.ResourceKey;
import io.pledge.intake.auth.CurrentCaller;
import io.pledge.intake.logs.LogRenderer;
import io.pledge.intake.logs.LogStore;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
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
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The output of the pipeline stages that ran for a resource or a Promise, as pipeline-runner
 * published it on {@code pledge.logs}: the last runs, within the configured bounds. Plain text by
 * default, JSON or YAML when asked.
 */
@Path("/api/v1/resources/{namespace}/{promise}/{name}/logs")
@Tag(name = "logs")
public class LogResource {

  /** Set while the store is still being rebuilt from the topic after a start. */
  static final String REPLAYING_HEADER = "Pledge-Logs-Replaying";

  private final LogStore logs;
  private final IntakeView view;
  private final ViewLifecycle lifecycle;
  private final CurrentCaller caller;

  LogResource(LogStore logs, IntakeView view, ViewLifecycle lifecycle, CurrentCaller caller) {
    this.logs = logs;
    this.view = view;
    this.lifecycle = lifecycle;
    this.caller = caller;
  }

  @GET
  @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
  @Operation(
      summary = "Stage output of a request's workflow runs",
      description =
          "text/plain (default): a header line per container, then stdout, then stderr;"
              + " JSON or YAML: {key, runs[{run, workflowType, action, generation, containers[]}]}")
  public Response resourceLogs(
      @PathParam("namespace") String namespace,
      @PathParam("promise") String promise,
      @PathParam("name") String name,
      @Parameter(description = "only this pipeline") @QueryParam("pipeline") String pipeline,
      @Parameter(description = "only this container") @QueryParam("container") String container,
      @Parameter(description = "only runs at this generation") @QueryParam("generation")
          Long generation,
      @Parameter(description = "configure or delete") @QueryParam("action") String action,
      @Parameter(description = "only the last n runs") @QueryParam("last") Integer last,
      @Context HttpHeaders headers) {
    caller.requireNamespace(namespace);
    ResourceKey key = new ResourceKey(namespace, promise, name);
    if (!logs.has(key.toString()) && view.request(key).isEmpty()) {
      throw ProblemException.notFound("No resource " + key);
    }
    return answer(
        logs,
        lifecycle,
        key.toString(),
        filter(pipeline, container, generation, action, last),
        headers);
  }

  static Response answer(
      LogStore logs,
      ViewLifecycle lifecycle,
      String key,
      LogStore.Filter filter,
      HttpHeaders headers) {
    List<LogStore.Run> runs = logs.runs(key, filter);
    Response.ResponseBuilder response =
        wantsDocument(headers)
            ? Response.ok(LogRenderer.json(key, runs))
            : Response.ok(LogRenderer.text(runs), MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"));
    if (!lifecycle.logsCaughtUp()) {
      response.header(REPLAYING_HEADER, "true");
    }
    return response.build();
  }

  /** JSON or YAML only when the client names one before text/plain; a wildcard means text. */
  private static boolean wantsDocument(HttpHeaders headers) {
    for (MediaType type : headers.getAcceptableMediaTypes()) {
      if (type.isWildcardType() || type.isCompatible(MediaType.TEXT_PLAIN_TYPE)) {
        return false;
      }
      String subtype = type.getSubtype().toLowerCase(java.util.Locale.ROOT);
      if (MediaTypes.isJson(type) || subtype.contains("yaml")) {
        return true;
      }
    }
    return false;
  }

  static LogStore.Filter filter(
      String pipeline, String container, Long generation, String action, Integer last) {
    if (last != null && last < 1) {
      throw ProblemException.malformed("last must be at least 1");
    }
    return new LogStore.Filter(
        Optional.ofNullable(pipeline),
        Optional.ofNullable(container),
        Optional.ofNullable(generation),
        Optional.ofNullable(action),
        Optional.ofNullable(last));
  }
}
