package io.pledge.intake.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.Topics;
import io.pledge.intake.asyncapi.AsyncApiDocument;
import io.pledge.intake.config.IntakeConfig;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The AsyncAPI description of Pledge's topics and events, generated from the contract at start-up;
 * open like {@code /q/openapi}.
 */
@Path(AsyncApiResource.PATH)
@Tag(name = "events")
public class AsyncApiResource {

  public static final String PATH = AsyncApiDocument.PATH;

  private final ObjectNode document;

  AsyncApiResource(
      IntakeConfig config,
      @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
    IntakeConfig.TopicNames t = config.topics();
    Map<String, String> names =
        Map.of(
            Topics.PROMISES, t.promises(),
            Topics.DESTINATIONS, t.destinations(),
            Topics.POLICIES, t.policies(),
            Topics.REQUESTS, t.requests(),
            Topics.REQUESTS_INBOUND, t.requestsInbound(),
            Topics.STATUS, t.status(),
            Topics.LOGS, t.logs(),
            Topics.RESOURCES, t.resources(),
            Topics.COMPONENTS, t.components());
    this.document = AsyncApiDocument.build(topic -> names.getOrDefault(topic, topic), version);
  }

  @GET
  @Produces({MediaType.APPLICATION_JSON, MediaTypes.APPLICATION_YAML})
  @Operation(summary = "AsyncAPI 3.0 description of every topic and event (JSON or YAML)")
  public ObjectNode asyncApi() {
    return document;
  }
}
