package io.pledge.writer.health;

import io.pledge.writer.StateWriter;
import io.pledge.writer.config.WriterConfig;
import io.pledge.writer.destination.DestinationTable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN while a configured state store has refused every write for longer than {@code
 * pledge.writer.store-failure-grace}: Works for its Destinations wait meanwhile. A store removed
 * from the configuration no longer counts; one never written to counts as fine.
 */
@Readiness
@ApplicationScoped
public class StateStoreHealthCheck implements HealthCheck {

  @Inject StateWriter writer;
  @Inject WriterConfig config;

  @Override
  public HealthCheckResponse call() {
    DestinationTable destinations = writer.destinations();
    Map<String, String> failing =
        writer
            .storeHealth()
            .failing(Instant.now(), config.storeFailureGrace(), id -> configured(destinations, id));
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("state-stores")
            .status(failing.isEmpty())
            .withData("stores-written", writer.storeHealth().states().size());
    failing.forEach((store, error) -> response.withData(store, String.valueOf(error)));
    return response.build();
  }

  static boolean configured(DestinationTable destinations, String storeId) {
    int slash = storeId.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String kind = storeId.substring(0, slash);
    String name = storeId.substring(slash + 1);
    return switch (kind) {
      case "GitStateStore" -> destinations.gitStore(name).isPresent();
      case "BucketStateStore" -> destinations.bucketStore(name).isPresent();
      default -> false;
    };
  }
}
