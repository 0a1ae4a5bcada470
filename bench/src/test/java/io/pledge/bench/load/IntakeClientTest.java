package io.pledge.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The REST client against real HTTP servers standing in for intake instances. */
class IntakeClientTest {

  private final List<HttpServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  /** An intake stand-in that counts the applies it answers. */
  private URI intake(AtomicInteger applies) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/apply",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          applies.incrementAndGet();
          byte[] body = "{\"generation\": 1}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A port nothing listens on: an instance chaos killed. */
  private static URI deadInstance() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }

  @Test
  void spreadsAppliesRoundRobinOverTheIntakeInstances() throws Exception {
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    IntakeClient client = new IntakeClient(List.of(intake(first), intake(second)), "t");

    for (int i = 0; i < 10; i++) {
      assertThat(client.apply("{}", "application/json").statusCode()).isEqualTo(200);
    }

    assertThat(first).hasValue(5);
    assertThat(second).hasValue(5);
  }

  @Test
  void aCallThatCannotConnectGoesToTheNextInstance() throws Exception {
    AtomicInteger live = new AtomicInteger();
    IntakeClient client = new IntakeClient(List.of(deadInstance(), intake(live)), "t");

    for (int i = 0; i < 6; i++) {
      assertThat(client.apply("{}", "application/json").statusCode()).isEqualTo(200);
    }

    assertThat(live).hasValue(6);
  }

  @Test
  void failsWhenNoInstanceIsReachable() throws Exception {
    IntakeClient client = new IntakeClient(List.of(deadInstance(), deadInstance()), "t");
    assertThatThrownBy(() -> client.apply("{}", "application/json"))
        .isInstanceOf(ConnectException.class);
  }
}
