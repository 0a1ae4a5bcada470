package io.pledge.writer.health;

import io.pledge.writer.StateWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the destinations and placements tables are read and Works are being consumed. */
@Readiness
@ApplicationScoped
public class WriterReadinessCheck implements HealthCheck {

  @Inject StateWriter writer;

  @Override
  public HealthCheckResponse call() {
    boolean destinations = writer.destinationsRead();
    boolean placements = writer.placementsRead();
    boolean consuming = writer.consuming();
    return HealthCheckResponse.named("state-writer")
        .status(destinations && placements && consuming)
        .withData("destinations-read", destinations)
        .withData("placements-read", placements)
        .withData("consuming-works", consuming)
        .build();
  }
}
