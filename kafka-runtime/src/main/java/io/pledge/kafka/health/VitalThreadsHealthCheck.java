package io.pledge.kafka.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness {@value #NAME}: DOWN once one of the {@link VitalThreads} has died, naming it and what
 * ended it; the threads running are listed as {@code alive}.
 */
@Liveness
@ApplicationScoped
public class VitalThreadsHealthCheck implements HealthCheck {

  public static final String NAME = "vital-threads";

  private final VitalThreads threads;

  public VitalThreadsHealthCheck(VitalThreads threads) {
    this.threads = threads;
  }

  @Override
  public HealthCheckResponse call() {
    Map<String, String> deaths = threads.deaths();
    HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(deaths.isEmpty());
    threads.alive().forEach(name -> response.withData(name, "alive"));
    deaths.forEach(response::withData);
    return response.build();
  }
}
