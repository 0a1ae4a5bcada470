package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pledge.contract.event.EventCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/** request-intake's REST API over {@link HttpClient}: one method per kind of call the CLI makes. */
final class IntakeClient {

  /** The contract's mapper: the same Jackson settings the services answer with. */
  static final ObjectMapper JSON = EventCodec.JSON;

  static final String YAML = "application/yaml";
  static final String JSON_TYPE = "application/json";

  private final URI base;
  private final String token;
  private final HttpClient http;

  IntakeClient(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** The request's path under the server, each segment encoded. */
  static String path(String... segments) {
    return Arrays.stream(segments)
        .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))
        .collect(Collectors.joining("/"));
  }

  static String query(Map<String, String> params) {
    String q =
        params.entrySet().stream()
            .filter(e -> e.getValue() != null)
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return q.isEmpty() ? "" : "?" + q;
  }

  /** POST /api/v1/apply with a YAML body; the answer lists what each document did. */
  JsonNode apply(byte[] yaml) {
    return apply(yaml, false);
  }

  /**
   * POST /api/v1/apply; with {@code dryRun}, the server runs the request's configure workflow and
   * answers what it rendered, applying nothing.
   */
  JsonNode apply(byte[] yaml, boolean dryRun) {
    return json(
        send(
            request("api/v1/apply" + (dryRun ? "?dryRun=true" : ""), JSON_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(yaml))
                .header("Content-Type", YAML)));
  }

  /** POST without a body, e.g. a reconcile. */
  JsonNode post(String path) {
    String body = send(request(path, JSON_TYPE).POST(HttpRequest.BodyPublishers.noBody()));
    return body.isBlank() ? JSON.createObjectNode() : json(body);
  }

  JsonNode getJson(String path) {
    return json(send(request(path, JSON_TYPE).GET()));
  }

  String getText(String path, String accept) {
    return send(request(path, accept).GET());
  }

  JsonNode delete(String path) {
    String body = send(request(path, JSON_TYPE).DELETE());
    return body.isBlank() ? JSON.createObjectNode() : json(body);
  }

  /**
   * Opens a Server-Sent Events stream; the caller reads it and closes it. Refusals (4xx, 5xx) are
   * thrown as {@link ApiException} before any event.
   */
  BufferedReader stream(String path) {
    HttpRequest request =
        request(path, "text/event-stream").GET().timeout(Duration.ofDays(365)).build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted"));
    }
    if (response.statusCode() >= 300) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        body = "";
      }
      throw new ApiException(response.statusCode(), contentType(response), body);
    }
    return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }

  private HttpRequest.Builder request(String path, String accept) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Accept", accept);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private String send(HttpRequest.Builder builder) {
    HttpResponse<String> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted"));
    }
    if (response.statusCode() >= 300) {
      throw new ApiException(response.statusCode(), contentType(response), response.body());
    }
    return response.body();
  }

  private UnreachableException unreachable(IOException e) {
    String why =
        e instanceof ConnectException
            ? "connection refused"
            : e instanceof HttpTimeoutException ? "timed out" : String.valueOf(e.getMessage());
    return new UnreachableException("cannot reach request-intake at " + base + ": " + why);
  }

  private static String contentType(HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("request-intake answered something that is not JSON", e);
    }
  }

  /** The server did not answer at all. */
  static final class UnreachableException extends RuntimeException {
    UnreachableException(String message) {
      super(message);
    }
  }
}
