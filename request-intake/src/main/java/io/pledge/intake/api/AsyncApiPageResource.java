package io.pledge.intake.api;

import io.pledge.intake.asyncapi.AsyncApiPage;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The AsyncAPI document as a page for people, public like the document (outside /api). */
@Path("/asyncapi")
@Tag(name = "events")
public class AsyncApiPageResource {

  private final String page;

  AsyncApiPageResource(AsyncApiResource document) {
    this.page = AsyncApiPage.render(document.asyncApi());
  }

  @GET
  @Produces(MediaType.TEXT_HTML)
  @Operation(summary = "The AsyncAPI document as an HTML page: topics, events, data schemas")
  public String page() {
    return page;
  }
}
