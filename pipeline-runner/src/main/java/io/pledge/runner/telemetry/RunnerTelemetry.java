package io.pledge.runner.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.pledge.kafka.tracing.TraceScope;
import io.pledge.runner.outcome.PipelineOutcome;
import io.pledge.runner.sandbox.StageExecutor;
import io.smallrye.reactive.messaging.TracingMetadata;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The runner's traces and metrics. A request record arrives in its request's trace (SmallRye's
 * Kafka connector reads the W3C {@code traceparent} header); its workflow run is a span in that
 * trace, each pipeline a span below it, each container a span below that, and every event the run
 * publishes carries the current span on (see {@code RunnerPublisher}).
 */
public final class RunnerTelemetry {

  /** Traces nothing, counts into nothing: for code built without the service. */
  public static final RunnerTelemetry NONE =
      new RunnerTelemetry(OpenTelemetry.noop(), new CompositeMeterRegistry());

  static final String PIPELINE_DURATION = "pledge.runner.pipeline.duration";
  static final String STAGE_DURATION = "pledge.runner.stage.duration";

  private final Tracer tracer;
  private final MeterRegistry registry;

  public RunnerTelemetry(OpenTelemetry openTelemetry, MeterRegistry registry) {
    this.tracer = openTelemetry.getTracer("io.pledge.runner");
    this.registry = registry;
  }

  /**
   * The trace an incoming message belongs to (the connector's receive span); a new trace when it
   * carries none (tracing off).
   */
  public static Context traceOf(Message<?> message) {
    return TracingMetadata.fromMessage(message)
        .map(TracingMetadata::getCurrentContext)
        .orElse(Context.root());
  }

  /**
   * The span of one workflow run below {@code parent}, current on this thread until closed.
   *
   * @param workflowType {@code resource} or {@code promise}
   * @param action {@code configure} or {@code delete}
   */
  public Traced workflow(
      Context parent, String key, String workflowType, String action, long generation) {
    Span span =
        tracer
            .spanBuilder("workflow " + workflowType + " " + action)
            .setParent(parent)
            .setAttribute("pledge.key", key)
            .setAttribute("pledge.workflow.type", workflowType)
            .setAttribute("pledge.workflow.action", action)
            .setAttribute("pledge.generation", generation)
            .startSpan();
    return new Traced(span, null);
  }

  /**
   * The span of one pipeline run below the current one, current until closed; closing also records
   * its duration by promise, pipeline and outcome.
   */
  public Traced pipeline(String promise, String pipeline, int index, int total) {
    Span span =
        tracer
            .spanBuilder("pipeline " + pipeline)
            .setAttribute("pledge.promise", String.valueOf(promise))
            .setAttribute("pledge.pipeline", pipeline)
            .setAttribute("pledge.pipeline.index", (long) index)
            .setAttribute("pledge.pipeline.total", (long) total)
            .startSpan();
    Timer.Builder timer =
        Timer.builder(PIPELINE_DURATION)
            .description("Pipeline runs (every attempt and container), by outcome")
            .tag("promise", String.valueOf(promise))
            .tag("pipeline", pipeline);
    return new Traced(span, timer);
  }

  /** {@code executor}, with a span and a timed measurement for every container it runs. */
  public StageExecutor traced(StageExecutor executor) {
    return new TracedStageExecutor(executor, tracer, registry);
  }

  /** The outcome tag of a pipeline: succeeded, failed, suspended or cancelled. */
  public static String outcomeOf(PipelineOutcome outcome) {
    if (outcome instanceof PipelineOutcome.Succeeded) {
      return "succeeded";
    }
    if (outcome instanceof PipelineOutcome.Failed) {
      return "failed";
    }
    if (outcome instanceof PipelineOutcome.Suspended) {
      return "suspended";
    }
    return "cancelled";
  }

  /** A span made current (with its ids in the log MDC) until {@link #close()}. */
  public final class Traced implements AutoCloseable {
    private final Span span;
    private final Timer.Builder timer;
    private final TraceScope scope;
    private final long started = System.nanoTime();
    private String outcome = "error";

    private Traced(Span span, Timer.Builder timer) {
      this.span = span;
      this.timer = timer;
      this.scope = TraceScope.enter(span);
    }

    /** How the pipeline ended; without it, closing counts it as an error (an exception). */
    public void outcome(PipelineOutcome ended) {
      outcome = outcomeOf(ended);
      span.setAttribute("pledge.outcome", outcome);
      if (ended instanceof PipelineOutcome.Failed failed) {
        span.setStatus(StatusCode.ERROR, String.valueOf(failed.reason()));
      }
    }

    @Override
    public void close() {
      scope.close();
      span.end();
      if (timer != null) {
        timer
            .tag("outcome", outcome)
            .register(registry)
            .record(Duration.ofNanos(System.nanoTime() - started));
      }
    }
  }
}
