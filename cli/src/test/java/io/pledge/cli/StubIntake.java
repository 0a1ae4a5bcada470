package io.pledge.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** request-intake as far as the CLI sees it: the JDK's HTTP server answering canned responses. */
final class StubIntake implements AutoCloseable {

  /** A request as received. */
  record Received(String method, String uri, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Handler> routes = new ConcurrentHashMap<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  final List<Received> received = new CopyOnWriteArrayList<>();

  StubIntake() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().toString(),
                  Map.copyOf(exchange.getRequestHeaders()),
                  body));
          Handler handler = routes.get(key);
          if (handler == null) {
            respond(
                exchange,
                404,
                "application/problem+json",
                "{\"status\":404,\"title\":\"Not Found\"}");
          } else {
            handler.handle(exchange);
          }
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  StubIntake answer(String methodAndPath, int status, String contentType, String body) {
    routes.put(methodAndPath, exchange -> respond(exchange, status, contentType, body));
    return this;
  }

  /** Sends the events, then holds the stream open until the stub closes: the client must stop. */
  /** Successive answers to successive calls; the last one repeats. */
  StubIntake answers(String methodAndPath, String contentType, String... bodies) {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    routes.put(
        methodAndPath,
        exchange ->
            respond(
                exchange,
                200,
                contentType,
                bodies[Math.min(calls.getAndIncrement(), bodies.length - 1)]));
    return this;
  }

  /** An event stream that stays open after its events, as a live watch does, until close. */
  StubIntake events(String methodAndPath, String... typeAndData) {
    return stream(true, methodAndPath, typeAndData);
  }

  /** An event stream that the server ends after its events. */
  StubIntake eventsThenEnd(String methodAndPath, String... typeAndData) {
    return stream(false, methodAndPath, typeAndData);
  }

  private StubIntake stream(boolean holdOpen, String methodAndPath, String... typeAndData) {
    routes.put(
        methodAndPath,
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          for (int i = 0; i < typeAndData.length; i += 2) {
            String event = "event: " + typeAndData[i] + "\ndata: " + typeAndData[i + 1] + "\n\n";
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
          try {
            closing.await(holdOpen ? 20 : 0, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return this;
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
