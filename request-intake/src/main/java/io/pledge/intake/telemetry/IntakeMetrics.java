package io.pledge.intake.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counts what the intake was asked to change, by where the ask came from and how it ended: {@code
 * pledge.intake.requests{source, outcome, status}}. Sources: {@code rest} (apply, delete and
 * reconcile calls), {@code inbound} (CloudEvents on {@code pledge.requests.inbound}) and {@code
 * kubernetes} (objects applied on the cluster). Outcome {@code accepted} for a 2xx status, else
 * {@code rejected}; the status is the HTTP status the REST API answers (or would have answered).
 */
@ApplicationScoped
public class IntakeMetrics {

  static final String REQUESTS = "pledge.intake.requests";

  public static final String REST = "rest";
  public static final String INBOUND = "inbound";
  public static final String KUBERNETES = "kubernetes";

  private final MeterRegistry registry;

  IntakeMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** One request from {@code source} ended with {@code status}. */
  public void request(String source, int status) {
    Counter.builder(REQUESTS)
        .description("Requests to change something, by source and outcome")
        .tag("source", source)
        .tag("outcome", status >= 200 && status < 300 ? "accepted" : "rejected")
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
  }
}
