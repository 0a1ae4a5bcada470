package io.pledge.intake.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/** DOWN once one of the {@link VitalThreads} has died, naming it and what ended it. */
@Liveness
@ApplicationScoped
public class VitalThreadsHealthCheck implements HealthCheck {

  private final VitalThreads threads;

  VitalThreadsHealthCheck(VitalThreads threads) {
    this.threads = threads;
  }

  @Override
  public HealthCheckResponse call() {
    Map<String, String> deaths = threads.deaths();
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("intake-threads").status(deaths.isEmpty());
    deaths.forEach(response::withData);
    return response.build();
  }
}
