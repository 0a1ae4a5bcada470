package io.pledge.kafka.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TraceScopeTest {

  private static final Span WORK = span("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331");
  private static final Span BATCH = span("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void putsTheSpansIdsIntoTheMdcAndMakesItCurrent() {
    try (TraceScope scope = TraceScope.enter(WORK)) {
      assertThat(MDC.get("traceId")).isEqualTo("0af7651916cd43dd8448eb211c80319c");
      assertThat(MDC.get("spanId")).isEqualTo("b7ad6b7169203331");
      assertThat(Span.current().getSpanContext()).isEqualTo(WORK.getSpanContext());
    }
  }

  @Test
  void closingRestoresTheOuterScopesIdsAndContext() {
    try (TraceScope outer = TraceScope.enter(BATCH)) {
      try (TraceScope inner = TraceScope.enter(Context.root().with(WORK))) {
        assertThat(MDC.get("spanId")).isEqualTo("b7ad6b7169203331");
      }
      assertThat(MDC.get("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(MDC.get("spanId")).isEqualTo("00f067aa0ba902b7");
      assertThat(Span.current().getSpanContext()).isEqualTo(BATCH.getSpanContext());
    }
    assertThat(MDC.get("traceId")).isNull();
    assertThat(MDC.get("spanId")).isNull();
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
  }

  @Test
  void aContextWithoutASpanClearsTheIdsUntilClosed() {
    MDC.put("traceId", "left by the caller");
    MDC.put("spanId", "left by the caller");

    try (TraceScope scope = TraceScope.enter(Context.root())) {
      assertThat(MDC.get("traceId")).isNull();
      assertThat(MDC.get("spanId")).isNull();
    }

    assertThat(MDC.get("traceId")).isEqualTo("left by the caller");
    assertThat(MDC.get("spanId")).isEqualTo("left by the caller");
  }

  private static Span span(String traceId, String spanId) {
    return Span.wrap(
        SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault()));
  }
}
