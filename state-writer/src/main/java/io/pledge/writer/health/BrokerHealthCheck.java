package io.pledge.writer.health;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN while the Kafka brokers cannot be reached. The writer reads and writes with plain Kafka
 * clients, which SmallRye's channel health does not see. A probe waits at most {@link #TIMEOUT_MS}
 * (Quarkus's own Kafka check waits for the client's 60 s API timeout), and answers from the last
 * look for {@link #CACHE_MS}, so that probes do not queue up behind an unreachable broker.
 */
@Readiness
@ApplicationScoped
public class BrokerHealthCheck implements HealthCheck {

  static final long TIMEOUT_MS = 3_000;
  static final long CACHE_MS = 2_000;

  @Inject
  @Identifier("default-kafka-broker")
  Map<String, Object> kafka;

  private Admin admin;
  private HealthCheckResponse last;
  private long lastAt;

  @Override
  public synchronized HealthCheckResponse call() {
    long now = System.currentTimeMillis();
    if (last == null || now - lastAt >= CACHE_MS) {
      last = look();
      lastAt = System.currentTimeMillis();
    }
    return last;
  }

  private HealthCheckResponse look() {
    try {
      Collection<Node> nodes =
          admin()
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT_MS))
              .nodes()
              .get(TIMEOUT_MS + 500, TimeUnit.MILLISECONDS);
      return HealthCheckResponse.named("kafka-broker")
          .status(!nodes.isEmpty())
          .withData("brokers", nodes.size())
          .build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return down("interrupted");
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return down(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }

  private static HealthCheckResponse down(String reason) {
    return HealthCheckResponse.named("kafka-broker").down().withData("reason", reason).build();
  }

  private Admin admin() {
    if (admin == null) {
      Map<String, Object> props = new HashMap<>();
      kafka.forEach(
          (key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
              props.put(key, value);
            }
          });
      props.put(AdminClientConfig.CLIENT_ID_CONFIG, "state-writer-health");
      admin = Admin.create(props);
    }
    return admin;
  }

  @PreDestroy
  synchronized void close() {
    if (admin != null) {
      admin.close(java.time.Duration.ofSeconds(2));
    }
  }
}
