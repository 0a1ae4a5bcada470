package io.pledge.intake.view;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the view has replayed the Promise, Destination, request and status topics. */
@Readiness
@ApplicationScoped
public class ReplayHealthCheck implements HealthCheck {

  private final ViewLifecycle lifecycle;

  ReplayHealthCheck(ViewLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("intake-view-replay").status(lifecycle.caughtUp()).build();
  }
}
