package io.pledge.runner.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.pledge.kafka.tracing.TraceScope;
import io.pledge.runner.sandbox.StageExecutor;
import io.pledge.runner.sandbox.StageResult;
import io.pledge.runner.sandbox.StageSpec;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs each container as a span ({@code stage <container>}, below the pipeline's) and times it by
 * promise, pipeline, container and outcome. The promise and pipeline come from the Kratix variables
 * every stage gets.
 */
final class TracedStageExecutor implements StageExecutor {

  // Kratix's variable for dry runs: those are traced, but kept out of the durations.
  private static final String DRY_RUN = "KRATIX_DRY_RUN";

  private final StageExecutor executor;
  private final Tracer tracer;
  private final MeterRegistry registry;

  TracedStageExecutor(StageExecutor executor, Tracer tracer, MeterRegistry registry) {
    this.executor = executor;
    this.tracer = tracer;
    this.registry = registry;
  }

  @Override
  public StageResult run(StageSpec spec, BooleanSupplier cancelled) {
    Map<String, String> env = spec.env() == null ? Map.of() : spec.env();
    String promise = env.getOrDefault("KRATIX_PROMISE_NAME", "");
    String pipeline = env.getOrDefault("KRATIX_PIPELINE_NAME", "");
    boolean dryRun = "true".equals(env.get(DRY_RUN));
    Span span =
        tracer
            .spanBuilder("stage " + spec.name())
            .setAttribute("pledge.promise", promise)
            .setAttribute("pledge.pipeline", pipeline)
            .setAttribute("pledge.container", spec.name())
            .setAttribute("pledge.dry_run", dryRun)
            .startSpan();
    long started = System.nanoTime();
    String outcome = "error";
    try (TraceScope scope = TraceScope.enter(span)) {
      StageResult result = executor.run(spec, cancelled);
      outcome = outcome(result);
      span.setAttribute("pledge.outcome", outcome);
      if (result.exitCode() != null) {
        span.setAttribute("pledge.exit_code", (long) result.exitCode());
      }
      if (!result.succeeded() && !result.cancelled()) {
        span.setStatus(
            StatusCode.ERROR, String.valueOf(result.failureReason(spec.name(), spec.timeout())));
      }
      return result;
    } finally {
      span.end();
      if (!dryRun) {
        Timer.builder(RunnerTelemetry.STAGE_DURATION)
            .description("Pipeline containers, by outcome")
            .tag("promise", promise)
            .tag("pipeline", pipeline)
            .tag("container", spec.name())
            .tag("outcome", outcome)
            .register(registry)
            .record(java.time.Duration.ofNanos(System.nanoTime() - started));
      }
    }
  }

  @Override
  public String unavailableReason() {
    return executor.unavailableReason();
  }

  /** succeeded, failed (non-zero exit), timed-out, cancelled or not-started. */
  static String outcome(StageResult result) {
    if (result.startError() != null) {
      return "not-started";
    }
    if (result.timedOut()) {
      return "timed-out";
    }
    if (result.cancelled()) {
      return "cancelled";
    }
    return result.succeeded() ? "succeeded" : "failed";
  }
}
