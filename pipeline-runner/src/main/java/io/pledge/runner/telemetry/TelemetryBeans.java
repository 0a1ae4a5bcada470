package io.pledge.runner.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The runner's telemetry from Quarkus's OpenTelemetry (a no-op while disabled) and Micrometer. */
@ApplicationScoped
public class TelemetryBeans {

  @Produces
  @Singleton
  RunnerTelemetry telemetry(OpenTelemetry openTelemetry, MeterRegistry registry) {
    return new RunnerTelemetry(openTelemetry, registry);
  }
}
