package io.pledge.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * request-intake's REST API over {@link HttpURLConnection}: one method per kind of call the CLI
 * makes. Not {@code java.net.http.HttpClient}: its start (selector thread, TLS context) and the
 * JVM's exit, which waits 300 ms for that thread blocked in native code, were half a call's time.
 */
final class IntakeClient {

  /**
   * Trees and problems only: not the contract's event mapper, whose Java time module costs a call's
   * start and which nothing the CLI reads needs.
   */
  static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static final String YAML = "application/yaml";
  static final String JSON_TYPE = "application/json";

  static {
    // HttpURLConnection sends a POST again, unasked, when a kept-alive connection turns out closed:
    // a reconcile must not run twice. Read once, when the class first loads.
    System.setProperty("sun.net.http.retryPost", "false");
  }

  private static final int CONNECT_TIMEOUT_MS = 10_000;
  private static final int READ_TIMEOUT_MS = 60_000;

  private final URI base;
  private final String token;

  IntakeClient(URI base, String token) {
    this.base = base;
    this.token = token;
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
    return json(send("POST", "api/v1/apply" + (dryRun ? "?dryRun=true" : ""), JSON_TYPE, yaml));
  }

  /** POST without a body, e.g. a reconcile. */
  JsonNode post(String path) {
    String body = send("POST", path, JSON_TYPE, null);
    return body.isBlank() ? JSON.createObjectNode() : json(body);
  }

  JsonNode getJson(String path) {
    return json(send("GET", path, JSON_TYPE, null));
  }

  String getText(String path, String accept) {
    return send("GET", path, accept, null);
  }

  JsonNode delete(String path) {
    String body = send("DELETE", path, JSON_TYPE, null);
    return body.isBlank() ? JSON.createObjectNode() : json(body);
  }

  /**
   * Opens a Server-Sent Events stream; the caller reads it and closes it. Refusals (4xx, 5xx) are
   * thrown as {@link ApiException} before any event.
   */
  BufferedReader stream(String path) {
    try {
      HttpURLConnection connection = open("GET", path, "text/event-stream");
      connection.setReadTimeout(0); // a stream waits for the next event as long as it takes
      InputStream body = answer(connection);
      return new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  /** One call: the answer's body when it is a success, else an {@link ApiException}. */
  private String send(String method, String path, String accept, byte[] body) {
    try {
      HttpURLConnection connection = open(method, path, accept);
      if (body != null) {
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", YAML);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
          out.write(body);
        }
      }
      try (InputStream in = answer(connection)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  private HttpURLConnection open(String method, String path, String accept) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
    connection.setRequestMethod(method);
    connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
    connection.setReadTimeout(READ_TIMEOUT_MS);
    connection.setRequestProperty("Accept", accept);
    if (token != null) {
      connection.setRequestProperty("Authorization", "Bearer " + token);
    }
    return connection;
  }

  /** The success body's stream; a refusal is read whole and thrown. */
  private static InputStream answer(HttpURLConnection connection) throws IOException {
    int status = connection.getResponseCode();
    if (status < 300) {
      return connection.getInputStream();
    }
    String body = "";
    try (InputStream error = connection.getErrorStream()) {
      if (error != null) {
        body = new String(error.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    String type = connection.getContentType();
    throw new ApiException(status, type == null ? "" : type, body);
  }

  private UnreachableException unreachable(IOException e) {
    String why =
        e instanceof ConnectException
            ? "connection refused"
            : e instanceof SocketTimeoutException ? "timed out" : String.valueOf(e.getMessage());
    return new UnreachableException("cannot reach request-intake at " + base + ": " + why);
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
