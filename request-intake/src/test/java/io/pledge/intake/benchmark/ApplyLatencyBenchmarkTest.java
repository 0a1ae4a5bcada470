package io.pledge.intake.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a timed test: prints the latency of sequential valid applies over REST, each a new request,
 * so each is validated against the Promise's schema, defaulted, and published twice
 * (pledge.request.accepted, then pledge.request.applied, each acknowledged with acks=all). Measured
 * at the client, so it includes the HTTP round trip on loopback.
 *
 * <p>Run: {@code ./mvnw -B -o verify -pl request-intake -Dgroups=benchmark -DexcludedGroups=
 * -Dtest=ApplyLatencyBenchmarkTest}
 */
@Tag("benchmark")
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class ApplyLatencyBenchmarkTest {

  private static final int WARM_UP = 200;
  private static final int MEASURED = 1_000;

  @Test
  void printsApplyLatencyPercentiles() throws Exception {
    IntakeTestSupport.seedPromise();
    HttpClient http = HttpClient.newHttpClient();
    URI apply = URI.create("http://localhost:" + RestAssured.port + "/api/v1/apply");
    String run = UUID.randomUUID().toString().substring(0, 6);

    for (int i = 0; i < WARM_UP; i++) {
      send(http, apply, "warm-" + run + "-" + i, i);
    }
    long[] nanos = new long[MEASURED];
    long started = System.nanoTime();
    for (int i = 0; i < MEASURED; i++) {
      long t0 = System.nanoTime();
      send(http, apply, "bench-" + run + "-" + i, i);
      nanos[i] = System.nanoTime() - t0;
    }
    long total = System.nanoTime() - started;
    Arrays.sort(nanos);
    String line =
        String.format(
            Locale.ROOT,
            "BENCHMARK apply latency over REST, %d sequential valid applies (after %d warm-up):"
                + " p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %.0f applies/s",
            MEASURED,
            WARM_UP,
            ms(percentile(nanos, 50)),
            ms(percentile(nanos, 90)),
            ms(percentile(nanos, 99)),
            ms(nanos[nanos.length - 1]),
            MEASURED / (total / 1e9));
    System.out.println(line);
  }

  private static void send(HttpClient http, URI apply, String name, int i) throws Exception {
    String body =
        IntakeTestSupport.request(
            name, "requester: bench\nsize: " + (i % 2 == 0 ? "small" : "medium"));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(apply)
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("\"created\"");
  }

  private static long percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
