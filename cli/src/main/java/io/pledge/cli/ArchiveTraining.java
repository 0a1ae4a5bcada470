package io.pledge.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The call cli/pledge makes once after each build, with {@code -XX:ArchiveClassesAtExit}: it runs
 * typical commands against a stand-in intake in this process, so the class-data archive holds what
 * every later call loads (picocli's models, Jackson's JSON and YAML, the HTTP client, the tables)
 * whichever command a person happens to run first. An archive written by {@code pledge --help}
 * alone made {@code get promises} 60 % slower.
 */
final class ArchiveTraining {

  static final String COMMAND = "__train-archive";

  private static final String PROMISES =
      "{\"apiVersion\":\"platform.kratix.io/v1alpha1\",\"kind\":\"PromiseList\",\"items\":[{"
          + "\"apiVersion\":\"platform.kratix.io/v1alpha1\",\"kind\":\"Promise\","
          + "\"metadata\":{\"name\":\"example\"},\"status\":{\"status\":\"Available\","
          + "\"kind\":\"example\",\"apiVersion\":\"example.pledge.io/v1\"}}]}";

  private static final String APPLIED =
      "[{\"kind\":\"example\",\"name\":\"a\",\"namespace\":\"default\","
          + "\"outcome\":\"created\",\"generation\":1}]";

  private static final String REQUEST =
      "apiVersion: example.pledge.io/v1\nkind: example\nmetadata:\n  name: a\nspec:\n  size: small\n";

  private ArchiveTraining() {}

  /** Runs the training calls; what they print goes nowhere. */
  static int run() throws IOException {
    HttpServer intake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    intake.createContext(
        "/",
        exchange -> {
          String answer = "POST".equals(exchange.getRequestMethod()) ? APPLIED : PROMISES;
          exchange.getRequestBody().readAllBytes();
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    intake.start();
    try {
      String server = "http://127.0.0.1:" + intake.getAddress().getPort();
      List<List<String>> calls =
          List.of(
              List.of("--server", server, "get", "promises"),
              List.of("--server", server, "get", "promises", "-o", "yaml"),
              List.of("--server", server, "apply", "-f", "-"),
              List.of("--server", "http://127.0.0.1:1", "describe", "example", "a"),
              List.of("--help"));
      for (List<String> call : calls) {
        StringWriter sink = new StringWriter();
        PledgeCommand.run(
            new CliContext(
                new PrintWriter(sink),
                new PrintWriter(sink),
                new ByteArrayInputStream(REQUEST.getBytes(StandardCharsets.UTF_8)),
                Map.of(),
                Path.of(".").toAbsolutePath()),
            call.toArray(String[]::new));
      }
      return 0;
    } finally {
      intake.stop(0);
    }
  }
}
