package io.pledge.kafka.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jboss.logging.MDC;

/**
 * Makes a trace context current on this thread and puts its ids into the log MDC ({@code traceId},
 * {@code spanId}), as Quarkus does on its own threads but not on the services' own (the runner's
 * lanes, the writer's batcher, the notifier's status consumer); closing restores both.
 */
public final class TraceScope implements AutoCloseable {

  static final String TRACE_ID = "traceId";
  static final String SPAN_ID = "spanId";

  private final Scope scope;
  private final Object previousTrace;
  private final Object previousSpan;

  private TraceScope(Context context) {
    this.previousTrace = MDC.get(TRACE_ID);
    this.previousSpan = MDC.get(SPAN_ID);
    this.scope = context.makeCurrent();
    SpanContext span = Span.fromContext(context).getSpanContext();
    if (span.isValid()) {
      MDC.put(TRACE_ID, span.getTraceId());
      MDC.put(SPAN_ID, span.getSpanId());
    } else {
      MDC.remove(TRACE_ID);
      MDC.remove(SPAN_ID);
    }
  }

  /** {@code context} becomes the current one until {@link #close()}. */
  public static TraceScope enter(Context context) {
    return new TraceScope(context);
  }

  /** {@code span} becomes the current span until {@link #close()}. */
  public static TraceScope enter(Span span) {
    return new TraceScope(Context.current().with(span));
  }

  @Override
  public void close() {
    scope.close();
    restore(TRACE_ID, previousTrace);
    restore(SPAN_ID, previousSpan);
  }

  private static void restore(String key, Object value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
