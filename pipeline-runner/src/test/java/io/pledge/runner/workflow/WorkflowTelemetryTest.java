package io.pledge.runner.workflow;

import static io.pledge.runner.workflow.Pipelines.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.Promise;
import io.pledge.runner.StageImages;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.StageExecutor;
import io.pledge.runner.sandbox.StageResult;
import io.pledge.runner.telemetry.RunnerTelemetry;
import io.pledge.testkit.otel.RecordingSpans;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A workflow run is one span in its request's trace, with its pipelines and containers below. */
class WorkflowTelemetryTest {

  private static final ResourceKey KEY = ResourceKey.parse("team-a/pg/db1");
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00f067aa0ba902b7";
  private static final JsonNode RESOURCE =
      yaml(
          "apiVersion: example.io/v1\nkind: Pg\nmetadata: {name: db1, namespace: team-a}\nspec: {size: small}\n");
  private static final Promise PROMISE =
      Pipelines.promise(
          """
          apiVersion: platform.kratix.io/v1alpha1
          kind: Promise
          metadata: {name: pg}
          spec:
            workflows:
              resource:
                configure:
                  - metadata: {name: first}
                    spec: {containers: [{name: c1, image: "one:v1"}]}
                  - metadata: {name: second}
                    spec: {containers: [{name: c2, image: "two:v1"}]}
          """);

  @TempDir Path dir;

  private final RecordingSpans spans = new RecordingSpans();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<String> eventTraces = new ArrayList<>();
  private RunnerTelemetry telemetry;
  private int secondExit;

  @BeforeEach
  void setUp() {
    telemetry = new RunnerTelemetry(spans.openTelemetry(), meters);
  }

  private WorkflowRunner runner() {
    StageImages images = new StageImages(dir.resolve("images"));
    images.add("one:v1", "#!/bin/sh\n").add("two:v1", "#!/bin/sh\n");
    // No sandbox needed: the executor only answers how each container ended.
    StageExecutor executor =
        (spec, cancelled) ->
            new StageResult(
                spec.name().equals("c2") ? secondExit : 0,
                false,
                false,
                "",
                "",
                false,
                Duration.ofMillis(5),
                null);
    PipelineRunner pipelines =
        new PipelineRunner(
            telemetry.traced(executor),
            images.store(),
            new OutputInspector(1_000_000, 100),
            dir.resolve("runs"),
            Duration.ofSeconds(20),
            0);
    WorkflowEvents events =
        (type, subject, data) -> {
          eventTraces.add(Span.current().getSpanContext().getTraceId());
          return CompletableFuture.completedFuture(null);
        };
    return new WorkflowRunner(pipelines, events, Duration.ofSeconds(5), telemetry);
  }

  private static Context requestTrace() {
    return Context.root()
        .with(
            Span.wrap(
                SpanContext.createFromRemoteParent(
                    TRACE, PARENT, TraceFlags.getSampled(), TraceState.getDefault())));
  }

  @Test
  void tracesTheRunItsPipelinesAndContainersInTheRequestsTrace() {
    WorkflowRunner runner = runner();

    try (RunnerTelemetry.Traced workflow =
        telemetry.workflow(requestTrace(), KEY.toString(), "resource", "configure", 3)) {
      assertThat(runner.configureResource(KEY, 3, RESOURCE, PROMISE, () -> false)).isTrue();
    }

    SpanData workflow = spans.named("workflow resource configure");
    SpanData first = spans.named("pipeline first");
    SpanData c1 = spans.named("stage c1");
    assertThat(workflow.getTraceId()).isEqualTo(TRACE);
    assertThat(workflow.getParentSpanId()).isEqualTo(PARENT);
    assertThat(first.getParentSpanId()).isEqualTo(workflow.getSpanId());
    assertThat(c1.getParentSpanId()).isEqualTo(first.getSpanId());
    assertThat(c1.getAttributes().asMap().toString())
        .contains("pledge.exit_code=0", "pledge.promise=pg", "pledge.pipeline=first");
    assertThat(spans.named("stage c2").getTraceId()).isEqualTo(TRACE);
    assertThat(eventTraces).isNotEmpty().allMatch(TRACE::equals);
  }

  @Test
  void timesPipelinesAndContainersByPromisePipelineAndOutcome() {
    secondExit = 9;

    assertThat(runner().configureResource(KEY, 3, RESOURCE, PROMISE, () -> false)).isFalse();

    assertThat(
            meters
                .get("pledge.runner.pipeline.duration")
                .tags("promise", "pg", "pipeline", "first", "outcome", "succeeded")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("pledge.runner.pipeline.duration")
                .tags("promise", "pg", "pipeline", "second", "outcome", "failed")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("pledge.runner.stage.duration")
                .tags("pipeline", "second", "container", "c2", "outcome", "failed")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(spans.named("stage c2").getAttributes().asMap().toString())
        .contains("pledge.exit_code=9");
  }
}
