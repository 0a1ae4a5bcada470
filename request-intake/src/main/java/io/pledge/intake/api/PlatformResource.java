package io.pledge.intake.api;

import io.pledge.intake.auth.CurrentCaller;
import io.pledge.intake.kafka.ConsumerGroups;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.telemetry.ConsumerProgress;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the platform team watches: how far every service's consumers have read. */
@Path("/api/v1/platform/consumers")
@Tag(name = "platform")
public class PlatformResource {

  private final ConsumerGroups groups;
  private final CurrentCaller caller;

  PlatformResource(ConsumerGroups groups, CurrentCaller caller) {
    this.groups = groups;
    this.caller = caller;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Every consumer group's committed offsets and lag, per topic (platform-admin)",
      description =
          "Read from the broker: the services' consumer groups and the Kafka Streams"
              + " applications. Two samples give each group's throughput in records per second.")
  public List<ConsumerProgress> consumers() throws InterruptedException {
    caller.requireAdmin("read the consumer groups");
    try {
      return groups.progress();
    } catch (ExecutionException | TimeoutException e) {
      throw ProblemException.of(
          503,
          "broker-unavailable",
          "Broker unavailable",
          "cannot read the consumer groups: " + e,
          List.of());
    }
  }
}
