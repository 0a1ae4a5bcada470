package io.pledge.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** REST calls to one request-intake instance, as the platform admin. */
final class IntakeClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  IntakeClient(String url, String token) {
    this.url = url;
    this.token = token;
  }

  String url() {
    return url;
  }

  /** {@code POST /api/v1/apply}; throws IOException when the instance does not answer. */
  HttpResponse<String> apply(String yaml) throws IOException, InterruptedException {
    return http.send(
        request("/api/v1/apply")
            .header("Content-Type", "application/yaml")
            .POST(HttpRequest.BodyPublishers.ofString(yaml))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The resource (or Promise, ...) at {@code path}, when it answers 200. */
  Optional<JsonNode> get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200
        ? Optional.of(JSON.readTree(response.body()))
        : Optional.empty();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(30));
  }
}
