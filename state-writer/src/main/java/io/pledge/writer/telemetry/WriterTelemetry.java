package io.pledge.writer.telemetry;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.pledge.writer.store.StoreHealth;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The writer's traces and metrics, and what its writes tell about the stores' health.
 *
 * <p>A Work record carries its request's trace in W3C {@code traceparent} Kafka headers. Each Work
 * becomes a span in that trace (planning, scheduling, reporting), and the status events about it
 * carry that span on. A write to a store serves many Works at once: its span belongs to the trace
 * of the first of them and links to the others; the Git fetch and push are client spans below it.
 */
public final class WriterTelemetry {

  /** Traces nothing, counts into nothing: for code built without the service. */
  public static final WriterTelemetry NONE =
      new WriterTelemetry(OpenTelemetry.noop(), new CompositeMeterRegistry(), new StoreHealth());

  static final String BATCH_SIZE = "pledge.writer.commit.batch.size";
  static final String PUSH = "pledge.writer.push.duration";

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
  private final StoreHealth health;

  public WriterTelemetry(OpenTelemetry openTelemetry, MeterRegistry registry, StoreHealth health) {
    this.tracer = openTelemetry.getTracer("io.pledge.writer");
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    this.registry = registry;
    this.health = health;
  }

  /** The trace a record belongs to (its {@code traceparent} header); the root context if none. */
  public Context extract(Headers headers) {
    return headers == null
        ? Context.root()
        : propagator.extract(Context.root(), headers, KAFKA_HEADERS);
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

  /**
   * A span for one Work command below {@code parent}; the caller ends it.
   *
   * @param action {@code upsert} or {@code withdraw}
   */
  public Span startWork(
      Context parent, String action, String key, long generation, String pipeline) {
    SpanBuilder span =
        tracer
            .spanBuilder("work " + action)
            .setParent(parent)
            .setAttribute("pledge.key", key)
            .setAttribute("pledge.generation", generation);
    if (pipeline != null) {
      span.setAttribute("pledge.pipeline", pipeline);
    }
    return span.startSpan();
  }

  /**
   * A span for one write to a store, in the trace of the first Work it carries and linked to the
   * other Works' spans; the caller ends it.
   */
  public Span startWrite(String store, Collection<SpanContext> works) {
    SpanBuilder span = tracer.spanBuilder("write " + store).setAttribute("pledge.store", store);
    SpanContext first = null;
    for (SpanContext work : works) {
      if (!work.isValid()) {
        continue;
      }
      if (first == null) {
        first = work;
        span.setParent(Context.root().with(Span.wrap(work)));
      } else {
        span.addLink(work);
      }
    }
    if (first == null) {
      span.setNoParent();
    }
    return span.startSpan();
  }

  /**
   * A client span for one Git operation ({@code fetch}, {@code push}) on {@code store}, below the
   * current span; the caller ends it.
   */
  public Span startGit(String operation, String store, String branch) {
    return tracer
        .spanBuilder("git " + operation)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("pledge.store", store)
        .setAttribute("pledge.branch", branch)
        .startSpan();
  }

  /**
   * One write attempt to a store ended.
   *
   * @param outcome {@code committed}, {@code unchanged}, {@code retrying} (a transient failure) or
   *     {@code failed}
   * @param placements the placements the write carried (its batch size)
   */
  public void wrote(String store, String outcome, Duration elapsed, int placements, String error) {
    Timer.builder(PUSH)
        .description("Writes (fetch, commit and push for Git) to a state store, by outcome")
        .tag("store", store)
        .tag("outcome", outcome)
        .register(registry)
        .record(elapsed);
    boolean failed = "retrying".equals(outcome) || "failed".equals(outcome);
    // "contended": other writers kept the branch moving; the store itself answered.
    if (!failed && !"contended".equals(outcome)) {
      DistributionSummary.builder(BATCH_SIZE)
          .description("Placements carried by one write to a state store")
          .tag("store", store)
          .register(registry)
          .record(placements);
    }
    if (failed) {
      health.failed(store, Instant.now(), error);
    } else {
      health.succeeded(store, Instant.now());
    }
  }

  /** A canary write to a store went through, or failed: only the store's health hears of it. */
  public void canary(String store, String error) {
    if (error == null) {
      health.succeeded(store, Instant.now());
    } else {
      health.failed(store, Instant.now(), error);
    }
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
