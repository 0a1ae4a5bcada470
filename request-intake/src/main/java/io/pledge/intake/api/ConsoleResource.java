package io.pledge.intake.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /} leads a browser to the web console, whose pages and scripts are static files under
 * {@code META-INF/resources/console} (its README says how it is built and tested).
 */
@Path("/")
public class ConsoleResource {

  @GET
  @Operation(hidden = true)
  public Response root() {
    return Response.seeOther(URI.create("/console/")).build();
  }
}
