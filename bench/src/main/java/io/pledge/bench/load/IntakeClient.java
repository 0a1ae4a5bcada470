package io.pledge.bench.load;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * request-intake's REST API, with the admin bearer token, over one or more intake instances: each
 * call goes to the next instance in turn (round-robin), as any intake instance accepts any request
 * (issue #15). A call that cannot connect (the instance is down: a chaos kill) goes on to the next
 * instance at once; nothing was sent, so nothing can be doubled.
 */
public final class IntakeClient {

  private final List<URI> bases;
  private final String token;
  private final HttpClient http;
  private final AtomicInteger next = new AtomicInteger();

  public IntakeClient(URI base, String token) {
    this(List.of(base), token);
  }

  public IntakeClient(List<URI> bases, String token) {
    if (bases.isEmpty()) {
      throw new IllegalArgumentException("no intake instance");
    }
    this.bases = List.copyOf(bases);
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  /** {@code POST /api/v1/apply}; the body is YAML or JSON as {@code contentType} says. */
  public HttpResponse<String> apply(String body, String contentType)
      throws IOException, InterruptedException {
    return send(
        base ->
            HttpRequest.newBuilder(base.resolve("/api/v1/apply"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
  }

  /** {@code GET path}, JSON. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(
        base ->
            HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .GET()
                .build());
  }

  private interface RequestFor {
    HttpRequest at(URI base);
  }

  private HttpResponse<String> send(RequestFor request) throws IOException, InterruptedException {
    int first = next.getAndIncrement();
    IOException unreachable = null;
    for (int i = 0; i < bases.size(); i++) {
      URI base = bases.get(Math.floorMod(first + i, bases.size()));
      try {
        return http.send(request.at(base), HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException | HttpConnectTimeoutException e) {
        unreachable = e;
      }
    }
    throw unreachable;
  }

  /** The first instance's base URI. */
  public URI base() {
    return bases.get(0);
  }

  public List<URI> bases() {
    return bases;
  }
}
