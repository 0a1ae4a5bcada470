package io.pledge.testkit.otel;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * Stands in for an OpenTelemetry collector: an HTTP server on a free loopback port that takes OTLP
 * {@code http/protobuf} exports ({@code POST /v1/traces}) and keeps every span, so a test can look
 * at whole traces across services. Point a Quarkus service at it with {@code
 * QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT=<endpoint()>} and {@code
 * QUARKUS_OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf}. Metrics and logs exports are accepted and
 * dropped.
 */
public final class OtlpCollector implements AutoCloseable {

  private static final String PROTOBUF = "application/x-protobuf";
  private static final HexFormat HEX = HexFormat.of();

  private final HttpServer server;
  private final List<CollectedSpan> spans = new CopyOnWriteArrayList<>();

  private OtlpCollector(HttpServer server) {
    this.server = server;
  }

  /** Starts a collector on a free loopback port. */
  public static OtlpCollector start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      OtlpCollector collector = new OtlpCollector(server);
      server.createContext("/v1/traces", collector::traces);
      server.createContext("/v1/metrics", OtlpCollector::accepted);
      server.createContext("/v1/logs", OtlpCollector::accepted);
      server.setExecutor(Executors.newFixedThreadPool(2, r -> daemon(r)));
      server.start();
      return collector;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL to export to, e.g. {@code http://127.0.0.1:41234}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every span received so far. */
  public List<CollectedSpan> spans() {
    return List.copyOf(spans);
  }

  /** The spans of one trace received so far. */
  public List<CollectedSpan> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  /** Forgets every span received. */
  public void clear() {
    spans.clear();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void traces(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = body(exchange)) {
        body = in.readAllBytes();
      }
      ExportTraceServiceRequest request;
      try {
        request = ExportTraceServiceRequest.parseFrom(body);
      } catch (IOException e) {
        exchange.sendResponseHeaders(400, -1);
        return;
      }
      spans.addAll(read(request));
      byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().add("Content-Type", PROTOBUF);
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      }
    }
  }

  private static InputStream body(HttpExchange exchange) throws IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    InputStream in = exchange.getRequestBody();
    return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
  }

  static List<CollectedSpan> read(ExportTraceServiceRequest request) {
    List<CollectedSpan> read = new ArrayList<>();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      String service = serviceName(resourceSpans.getResource());
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          Map<String, String> attributes = new LinkedHashMap<>();
          for (KeyValue kv : span.getAttributesList()) {
            attributes.put(kv.getKey(), text(kv.getValue()));
          }
          read.add(
              new CollectedSpan(
                  service,
                  HEX.formatHex(span.getTraceId().toByteArray()),
                  HEX.formatHex(span.getSpanId().toByteArray()),
                  HEX.formatHex(span.getParentSpanId().toByteArray()),
                  span.getName(),
                  span.getKind().name(),
                  Map.copyOf(attributes),
                  span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR));
        }
      }
    }
    return read;
  }

  private static String serviceName(Resource resource) {
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals("service.name")) {
        return text(kv.getValue());
      }
    }
    return "";
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString().strip();
    };
  }

  private static void accepted(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "otlp-collector");
    t.setDaemon(true);
    return t;
  }
}
