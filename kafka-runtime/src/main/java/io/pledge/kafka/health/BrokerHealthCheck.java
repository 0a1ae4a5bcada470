package io.pledge.kafka.health;

import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness {@value #NAME}: DOWN while the Kafka brokers cannot be reached. For a service that
 * reads and writes with plain Kafka clients, which SmallRye's channel health does not see (the
 * writer, the notifier); a service opts in with the build property {@value #ENABLED} (the others
 * have SmallRye's channel check, and their readiness stays as it is). A probe waits at most {@link
 * #TIMEOUT_MS} (Quarkus's own Kafka check waits for the client's 60 s API timeout), and answers
 * from the last look for {@link #CACHE_MS}, so that probes do not queue up behind an unreachable
 * broker.
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = BrokerHealthCheck.ENABLED, stringValue = "true")
public class BrokerHealthCheck implements HealthCheck {

  /** The check's name in {@code /q/health/ready}. */
  public static final String NAME = "kafka-broker";

  /** Build property that turns the check on in a service. */
  public static final String ENABLED = "pledge.kafka.broker-health.enabled";

  static final long TIMEOUT_MS = 3_000;
  static final long CACHE_MS = 2_000;

  private final Map<String, Object> kafka;
  private final String clientId;
  private Admin admin;
  private HealthCheckResponse last;
  private long lastAt;

  /**
   * {@code kafka}: the service's Kafka client configuration ({@code kafka.*}); the admin client
   * takes the keys it knows from it and calls itself {@code <application name>-health}.
   */
  @Inject
  public BrokerHealthCheck(
      @Identifier("default-kafka-broker") Map<String, Object> kafka,
      @ConfigProperty(name = "quarkus.application.name") String applicationName) {
    this.kafka = kafka;
    this.clientId = applicationName + "-health";
  }

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
      return HealthCheckResponse.named(NAME)
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
    return HealthCheckResponse.named(NAME).down().withData("reason", reason).build();
  }

  /** The admin client's configuration: the service's, less what an admin client does not know. */
  Map<String, Object> adminConfig() {
    Map<String, Object> props = new HashMap<>();
    kafka.forEach(
        (key, value) -> {
          if (AdminClientConfig.configNames().contains(key)) {
            props.put(key, value);
          }
        });
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return props;
  }

  private Admin admin() {
    if (admin == null) {
      admin = Admin.create(adminConfig());
    }
    return admin;
  }

  @PreDestroy
  synchronized void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
    }
  }
}
