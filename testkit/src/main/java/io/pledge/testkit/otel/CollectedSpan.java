package io.pledge.testkit.otel;

import java.util.Map;

/**
 * A span as an {@link OtlpCollector} received it.
 *
 * @param service the {@code service.name} of the resource that sent it
 * @param traceId 32 hex digits
 * @param spanId 16 hex digits
 * @param parentSpanId 16 hex digits, or empty for a root span
 * @param name the span's name
 * @param kind {@code SPAN_KIND_SERVER}, {@code SPAN_KIND_CLIENT}, {@code SPAN_KIND_PRODUCER}, ...
 * @param attributes the span's attributes, every value as text
 * @param error whether its status is ERROR
 */
public record CollectedSpan(
    String service,
    String traceId,
    String spanId,
    String parentSpanId,
    String name,
    String kind,
    Map<String, String> attributes,
    boolean error) {

  /** An attribute's value, or null. */
  public String attribute(String key) {
    return attributes.get(key);
  }

  @Override
  public String toString() {
    return service
        + " "
        + name
        + " ["
        + kind
        + "] "
        + spanId
        + "<-"
        + parentSpanId
        + " "
        + attributes;
  }
}
