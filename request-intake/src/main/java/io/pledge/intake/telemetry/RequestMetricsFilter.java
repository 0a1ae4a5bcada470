package io.pledge.intake.telemetry;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.Set;

/**
 * Counts every REST call that asks for a change ({@code POST}, {@code PUT}, {@code PATCH}, {@code
 * DELETE} under {@code /api/}) by the status it got, refusals by authentication and validation
 * included (response filters see aborted and mapped responses too).
 */
@Provider
public class RequestMetricsFilter implements ContainerResponseFilter {

  private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");

  @Inject IntakeMetrics metrics;

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    String path = request.getUriInfo().getPath();
    if (CHANGES.contains(request.getMethod())
        && (path.startsWith("/api/") || path.startsWith("api/"))) {
      metrics.request(IntakeMetrics.REST, response.getStatus());
    }
  }
}
