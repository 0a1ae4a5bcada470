package io.pledge.intake.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.request.Problem;
import io.pledge.intake.problem.ProblemException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.UncheckedIOException;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error the API answers is an RFC 7807 problem, the framework's own included. */
public class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
  private static final String BASE = "https://pledge.io/problems/";

  @ServerExceptionMapper
  public Response problem(ProblemException e) {
    return respond(e.problem());
  }

  @ServerExceptionMapper
  public Response framework(WebApplicationException e, UriInfo uri) {
    int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
    String slug;
    String title;
    String detail;
    switch (status) {
      case 404 -> {
        slug = "not-found";
        title = "Not found";
        detail =
            "Nothing is served at "
                + (uri == null ? "this path" : "/" + uri.getPath().replaceFirst("^/", ""));
      }
      case 405 -> {
        slug = "method-not-allowed";
        title = "Method not allowed";
        detail = "This path does not accept that method";
      }
      case 406 -> {
        slug = "not-acceptable";
        title = "Not acceptable";
        detail = "Answers are application/json, application/yaml or (for lists) text/plain";
      }
      case 413 -> {
        slug = "body-too-large";
        title = "Request body too large";
        detail = "The request body is larger than the limit";
      }
      case 415 -> {
        slug = "unsupported-media-type";
        title = "Unsupported media type";
        detail = "Send application/yaml (also application/x-yaml, text/yaml) or application/json";
      }
      default -> {
        slug = "http-" + status;
        title =
            Response.Status.fromStatusCode(status) == null
                ? "HTTP " + status
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        detail = e.getMessage();
      }
    }
    return respond(new Problem(BASE + slug, title, status, detail, List.of()));
  }

  @ServerExceptionMapper
  public Response unexpected(RuntimeException e) {
    LOG.error("Unexpected failure", e);
    return respond(
        new Problem(
            BASE + "internal-error",
            "Internal error",
            500,
            "The request failed unexpectedly; the service log has the details",
            List.of()));
  }

  static Response respond(Problem problem) {
    String body;
    try {
      body = EventCodec.JSON.writeValueAsString(problem);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    Response.ResponseBuilder response =
        Response.status(problem.status()).type(MediaTypes.PROBLEM_JSON).entity(body);
    if (problem.status() == 401) {
      response.header("WWW-Authenticate", "Bearer");
    }
    return response.build();
  }
}
