package io.pledge.notifier.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.pledge.kafka.tracing.TraceScope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The notifier's traces and metrics. A status record carries its request's trace in W3C {@code
 * traceparent} Kafka headers (as SmallRye's Kafka connector writes them); each delivery is a span
 * in that trace, each HTTP call a client span below it that passes the trace on to the receiver,
 * and the NOTIFICATION_DELIVERED it publishes carries the trace further.
 */
public final class NotifierTelemetry {

  /** Traces nothing, counts into nothing: for code built without the service. */
  public static final NotifierTelemetry NONE =
      new NotifierTelemetry(OpenTelemetry.noop(), new CompositeMeterRegistry());

  static final String NOTIFICATIONS = "pledge.notifier.notifications";

  private static final TextMapGetter<Headers> KAFKA_HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          List<String> keys = new ArrayList<>();
          headers.forEach(h -> keys.add(h.key()));
          return keys;
        }

        @Override
        public String get(Headers headers, String key) {
          if (headers == null) {
            return null;
          }
          Header header = headers.lastHeader(key);
          return header == null || header.value() == null
              ? null
              : new String(header.value(), StandardCharsets.UTF_8);
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final MeterRegistry registry;

  public NotifierTelemetry(OpenTelemetry openTelemetry, MeterRegistry registry) {
    this.tracer = openTelemetry.getTracer("io.pledge.notifier");
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.registry = registry;
  }

  /** The trace a record belongs to (its {@code traceparent} header); the root context if none. */
  public Context extract(Headers headers) {
    return propagator.extract(Context.root(), headers, KAFKA_HEADERS);
  }

  /** Writes the current trace into a record's headers. */
  public void inject(Headers headers) {
    propagator.inject(
        Context.current(),
        headers,
        (carrier, key, value) -> {
          carrier.remove(key);
          carrier.add(key, value.getBytes(StandardCharsets.UTF_8));
        });
  }

  /** Writes the current trace into an HTTP request's headers, for the receiver to continue. */
  public void inject(HttpRequest.Builder request) {
    propagator.inject(
        Context.current(), request, (carrier, key, value) -> carrier.header(key, value));
  }

  /**
   * A span for one notification ({@code event} of {@code key} at {@code generation}) on one
   * channel, below the current one; the caller ends it.
   */
  public Span startDelivery(String key, long generation, String event, String channel) {
    return tracer
        .spanBuilder("notify " + channel)
        .setAttribute("pledge.key", key)
        .setAttribute("pledge.generation", generation)
        .setAttribute("pledge.event", event)
        .setAttribute("pledge.channel", channel)
        .startSpan();
  }

  /**
   * A client span for one HTTP call of {@code channel}. Only the host is recorded: a Slack
   * webhook's path is its secret.
   */
  public Span startCall(String channel, String method, URI target) {
    var span =
        tracer
            .spanBuilder(method + " " + channel)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("http.request.method", method)
            .setAttribute("pledge.channel", channel);
    if (target.getHost() != null) {
      span.setAttribute("server.address", target.getHost());
    }
    if (target.getPort() > 0) {
      span.setAttribute("server.port", (long) target.getPort());
    }
    return span.startSpan();
  }

  /**
   * Sends {@code request} as a client span of the current trace, the trace passed on in the
   * request's {@code traceparent} header.
   */
  public HttpResponse<String> send(
      HttpClient http, HttpRequest.Builder request, String channel, URI target)
      throws IOException, InterruptedException {
    Span span = startCall(channel, "POST", target);
    try (TraceScope scope = TraceScope.enter(span)) {
      inject(request);
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      span.setAttribute("http.response.status_code", (long) response.statusCode());
      if (response.statusCode() >= 400) {
        span.setStatus(StatusCode.ERROR, "HTTP " + response.statusCode());
      }
      return response;
    } catch (IOException e) {
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
      throw e;
    } finally {
      span.end();
    }
  }

  /** Counts one NOTIFICATION_DELIVERED: {@code outcome} is sent, retrying or failed. */
  public void delivered(String channel, String outcome) {
    Counter.builder(NOTIFICATIONS)
        .description("Notifications by channel and outcome (sent, retrying, failed)")
        .tag("channel", channel)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /**
   * Publishes a Kafka client's own metrics (consumer lag among them) until the returned handle is
   * closed.
   */
  public AutoCloseable clientMetrics(Consumer<?, ?> consumer) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
    metrics.bindTo(registry);
    return metrics;
  }
}
