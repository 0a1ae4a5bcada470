package io.pledge.intake.view;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the view serves a state it may answer from ({@link ViewReadiness}). */
@Readiness
@ApplicationScoped
public class ReplayHealthCheck implements HealthCheck {

  private final ViewReadiness readiness;

  ReplayHealthCheck(ViewReadiness readiness) {
    this.readiness = readiness;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("intake-view-replay").status(readiness.ready()).build();
  }
}
