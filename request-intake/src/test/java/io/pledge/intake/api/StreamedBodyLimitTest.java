package io.pledge.intake.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A body over {@code pledge.intake.max-body-size} (1M) is refused while it streams in: the answer,
 * a 413 problem, comes long before a 60 MB upload is sent, whether the length is declared or the
 * body is chunked, so no upload is held in memory. Uploads are written by hand on a socket, at the
 * pace the server reads them, so that the test sees how far the client had got when the answer
 * arrived.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class StreamedBodyLimitTest {

  private static final long UPLOAD = 60L << 20;
  private static final byte[] LINES = comments(64 << 10);

  @BeforeEach
  void seed() {
    IntakeTestSupport.seedPromise();
  }

  /** What the client saw: the answer and how many body bytes it had sent when it came. */
  record Answer(int status, String contentType, String body, long sentBeforeAnswer) {}

  @Test
  void refusesAChunkedBodyOverTheLimitBeforeItIsAllSent() throws Exception {
    Answer answer = upload(true);

    assertRefusedEarly(answer);
  }

  @Test
  void refusesADeclaredLengthOverTheLimitBeforeTheBodyIsSent() throws Exception {
    Answer answer = upload(false);

    assertRefusedEarly(answer);
  }

  @Test
  void sixParallelChunkedUploadsAreAllRefusedAndTheServiceKeepsWorking() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(6);
    try {
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        answers.add(clients.submit(() -> upload(true)));
      }
      for (Future<Answer> answer : answers) {
        assertRefusedEarly(answer.get());
      }
    } finally {
      clients.shutdownNow();
    }

    given().get("/q/health/live").then().statusCode(200);
    given().get("/q/health/ready").then().statusCode(200);
    String name = IntakeTestSupport.unique("after-uploads");
    IntakeTestSupport.post("application/yaml", IntakeTestSupport.request(name, "requester: ana"))
        .then()
        .statusCode(200);
    // The status view still follows the topics: the request is served from it.
    org.awaitility.Awaitility.await()
        .atMost(IntakeTestSupport.WAIT)
        .until(
            () -> given().get("/api/v1/resources/default/postgresql/" + name).statusCode() == 200);
    given()
        .get("/api/v1/resources/default/postgresql/" + name)
        .then()
        .body("metadata.name", equalTo(name));
  }

  private static void assertRefusedEarly(Answer answer) throws IOException {
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.contentType()).startsWith("application/problem+json");
    JsonNode problem = KratixDocuments.JSON.readTree(answer.body());
    assertThat(problem.path("status").asInt()).isEqualTo(413);
    assertThat(problem.path("detail").asText()).contains("max-body-size");
    // Answered while the upload was still going: the server did not wait for (or keep) 60 MB.
    assertThat(answer.sentBeforeAnswer()).isLessThan(UPLOAD / 4);
  }

  /** POSTs a 60 MB YAML body (comment lines), generated as it is sent. */
  private static Answer upload(boolean chunked) throws IOException {
    try (Socket socket = new Socket("localhost", RestAssured.port)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      String head =
          "POST /api/v1/apply HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/yaml\r\n"
              + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + UPLOAD + "\r\n")
              + "\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      AtomicLong sent = new AtomicLong();
      Thread writer = new Thread(() -> send(out, chunked, sent), "upload");
      writer.setDaemon(true);
      writer.start();
      try {
        return read(socket.getInputStream(), sent);
      } finally {
        writer.interrupt();
      }
    }
  }

  private static void send(OutputStream out, boolean chunked, AtomicLong sent) {
    try {
      while (sent.get() < UPLOAD) {
        int n = (int) Math.min(LINES.length, UPLOAD - sent.get());
        if (chunked) {
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.write(LINES, 0, n);
        if (chunked) {
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        sent.addAndGet(n);
      }
      if (chunked) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
    } catch (IOException e) {
      // The server closed the connection: it wants no more of the body.
    }
  }

  private static Answer read(InputStream in, AtomicLong sent) throws IOException {
    String status = line(in);
    long sentBeforeAnswer = sent.get();
    String contentType = "";
    int length = -1;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-type:")) {
        contentType = header.substring("content-type:".length()).trim();
      } else if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(header.substring("content-length:".length()).trim());
      }
    }
    byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
    return new Answer(
        Integer.parseInt(status.split(" ")[1]),
        contentType,
        new String(body, StandardCharsets.UTF_8),
        sentBeforeAnswer);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed before the answer");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  private static byte[] comments(int size) {
    StringBuilder lines = new StringBuilder(size);
    while (lines.length() < size) {
      lines.append("# ").append("x".repeat(77)).append('\n');
    }
    return lines.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }
}
