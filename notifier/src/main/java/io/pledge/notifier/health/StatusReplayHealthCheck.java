package io.pledge.notifier.health;

import io.pledge.notifier.status.StatusConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN until the delivery ledger is replayed and the owned status partitions are folded up to where
 * the last owner left off: before that, the notifier could not tell a new lifecycle event from one
 * already notified.
 */
@Readiness
@ApplicationScoped
public class StatusReplayHealthCheck implements HealthCheck {

  @Inject StatusConsumer consumer;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("notifier-status-replay").status(consumer.ready());
    consumer.progress().forEach((k, v) -> response.withData(k, ((Number) v).longValue()));
    return response.build();
  }
}
