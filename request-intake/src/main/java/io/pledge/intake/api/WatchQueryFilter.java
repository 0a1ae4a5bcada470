package io.pledge.intake.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/** {@code ?watch=true}, as kubectl spells it, asks for the Server-Sent Events representation. */
@Provider
@PreMatching
public class WatchQueryFilter implements ContainerRequestFilter {

  @Override
  public void filter(ContainerRequestContext request) {
    if ("true".equalsIgnoreCase(request.getUriInfo().getQueryParameters().getFirst("watch"))) {
      request.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.SERVER_SENT_EVENTS);
    }
  }
}
