package io.pledge.kafka.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.testkit.kafka.EmbeddedKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class BrokerHealthCheckTest {

  @Test
  void isUpWhileTheBrokersAnswer() {
    BrokerHealthCheck check =
        new BrokerHealthCheck(
            Map.of("bootstrap.servers", EmbeddedKafka.shared().bootstrapServers()), "notifier");
    try {
      HealthCheckResponse response = check.call();

      assertThat(response.getName()).isEqualTo("kafka-broker");
      assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
      assertThat(response.getData()).get().extracting(d -> d.get("brokers")).isEqualTo(1L);
    } finally {
      check.close();
    }
  }

  @Test
  void isDownWithTheReasonWhileNoBrokerAnswers() throws IOException {
    BrokerHealthCheck check =
        new BrokerHealthCheck(Map.of("bootstrap.servers", "127.0.0.1:" + closedPort()), "notifier");
    try {
      HealthCheckResponse response = check.call();

      assertThat(response.getName()).isEqualTo("kafka-broker");
      assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
      assertThat(response.getData())
          .get()
          .extracting(d -> (String) d.get("reason"))
          .asString()
          .startsWith("TimeoutException");
    } finally {
      check.close();
    }
  }

  @Test
  void asksAsTheServiceWithOnlyTheAdminClientsKeys() {
    BrokerHealthCheck check =
        new BrokerHealthCheck(
            Map.of(
                "bootstrap.servers", "127.0.0.1:9092",
                "security.protocol", "SSL",
                "group.id", "state-writer",
                "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"),
            "state-writer");

    assertThat(check.adminConfig())
        .containsOnly(
            Map.entry("bootstrap.servers", "127.0.0.1:9092"),
            Map.entry("security.protocol", "SSL"),
            Map.entry("client.id", "state-writer-health"));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
