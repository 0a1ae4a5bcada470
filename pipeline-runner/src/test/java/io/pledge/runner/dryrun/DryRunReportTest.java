package io.pledge.runner.dryrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.dryrun.DryRunRequested;
import io.pledge.contract.event.EventType;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.work.DestinationSelector;
import io.pledge.contract.work.Work;
import io.pledge.contract.work.Workload;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.runner.dryrun.DryRunReport.Recorded;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DryRunReportTest {

  private static final ResourceKey KEY = new ResourceKey("default", "postgresql", "example");
  private static final WorkflowRef REF =
      new WorkflowRef(KEY.toString(), WorkflowRef.RESOURCE, WorkflowRef.CONFIGURE, 2);
  private static final DryRunRequested REQUEST =
      new DryRunRequested(
          "c-1",
          KEY,
          2,
          JsonNodeFactory.instance.objectNode().put("kind", "postgresql"),
          "alice",
          Instant.parse("2026-11-21T10:00:30Z"));

  private static ObjectNode status(String yamlKey, String value) {
    return JsonNodeFactory.instance.objectNode().put(yamlKey, value);
  }

  private static Work work(String pipeline, Workload... files) {
    return new Work(
        KEY.toString(),
        Work.RESOURCE,
        "postgresql",
        "default",
        "example",
        pipeline,
        2,
        List.of(
            new WorkloadGroup(
                "5058f1af8388633f609cadb75a75dc9d",
                ".",
                List.of(new DestinationSelector(Map.of("env", "dev"), DestinationSelector.PROMISE)),
                List.of(files))));
  }

  private static List<Recorded> succeededPipeline(String name, int index, ObjectNode status) {
    List<Recorded> events = new ArrayList<>();
    events.add(
        new Recorded(EventType.PIPELINE_STARTED, new PipelineStarted(REF, name, index, 2, 1)));
    events.add(
        new Recorded(
            EventType.PIPELINE_LOG,
            new PipelineLog(REF, name, "main", "rendered\n", "", 0, false)));
    events.add(
        new Recorded(
            EventType.PIPELINE_SUCCEEDED, new PipelineSucceeded(REF, name, index, 2, status, 1)));
    events.add(
        new Recorded(
            EventType.WORK_UPSERTED,
            work(name, Workload.of(name + ".yaml", ("kind: " + name).getBytes()))));
    return events;
  }

  @Test
  void showsEveryPipelinesFilesAsTextAndTheMergedStatus() {
    List<Recorded> events = new ArrayList<>(succeededPipeline("a", 0, status("size", "1Gi")));
    events.addAll(succeededPipeline("b", 1, status("images", "spilo")));
    events.add(
        new Recorded(EventType.WORKFLOW_COMPLETED, new WorkflowCompleted(REF, List.of("a", "b"))));

    DryRunCompleted answer = DryRunReport.of(REQUEST, 1, events, 42);

    assertThat(answer.outcome()).isEqualTo(DryRunCompleted.SUCCEEDED);
    assertThat(answer.correlationId()).isEqualTo("c-1");
    assertThat(answer.durationMillis()).isEqualTo(42);
    assertThat(answer.pipelines())
        .extracting(DryRunCompleted.Pipeline::name)
        .containsExactly("a", "b");
    DryRunCompleted.File file = answer.pipelines().get(1).workloadGroups().get(0).files().get(0);
    assertThat(file).isEqualTo(new DryRunCompleted.File("b.yaml", "kind: b", "utf-8"));
    assertThat(answer.pipelines().get(0).status()).isEqualTo(status("size", "1Gi"));
    assertThat(answer.status()).isEqualTo(status("size", "1Gi").put("images", "spilo"));
    assertThat(answer.pipelines().get(0).containers().get(0).stdout()).isEqualTo("rendered\n");
  }

  @Test
  void aFailureNamesThePipelineAndContainerAndKeepsWhatRanBefore() {
    List<Recorded> events = new ArrayList<>(succeededPipeline("a", 0, null));
    events.add(new Recorded(EventType.PIPELINE_STARTED, new PipelineStarted(REF, "b", 1, 2, 1)));
    events.add(
        new Recorded(
            EventType.PIPELINE_LOG, new PipelineLog(REF, "b", "scan", "", "boom\n", 2, false)));
    events.add(
        new Recorded(
            EventType.PIPELINE_FAILED,
            new PipelineFailed(REF, "b", "scan", 2, "container scan exited with code 2", "boom")));

    DryRunCompleted answer = DryRunReport.of(REQUEST, 1, events, 5);

    assertThat(answer.outcome()).isEqualTo(DryRunCompleted.FAILED);
    assertThat(answer.failure())
        .isEqualTo(
            new DryRunCompleted.Failure(
                "b", "scan", 2, "container scan exited with code 2", "boom"));
    assertThat(answer.message()).isEqualTo("container scan exited with code 2");
    assertThat(answer.pipelines())
        .extracting(DryRunCompleted.Pipeline::phase)
        .containsExactly(DryRunCompleted.SUCCEEDED, DryRunCompleted.FAILED);
    assertThat(answer.pipelines().get(1).workloadGroups()).isEmpty();
    assertThat(answer.status()).isEqualTo(JsonNodeFactory.instance.objectNode());
  }

  @Test
  void aSuspensionIsNotAFailure() {
    List<Recorded> events = new ArrayList<>();
    events.add(new Recorded(EventType.PIPELINE_STARTED, new PipelineStarted(REF, "a", 0, 1, 1)));
    events.add(
        new Recorded(
            EventType.PIPELINE_FAILED,
            new PipelineFailed(REF, "a", null, null, "suspended: waiting for approval", null)));

    DryRunCompleted answer = DryRunReport.of(REQUEST, 1, events, 5);

    assertThat(answer.outcome()).isEqualTo(DryRunCompleted.SUSPENDED);
    assertThat(answer.failure()).isNull();
    assertThat(answer.message()).isEqualTo("suspended: waiting for approval");
    assertThat(answer.pipelines().get(0).phase()).isEqualTo(DryRunCompleted.SUSPENDED);
  }

  @Test
  void onlyTheLastAttemptsContainersAreShown() {
    List<Recorded> events = new ArrayList<>();
    events.add(new Recorded(EventType.PIPELINE_STARTED, new PipelineStarted(REF, "a", 0, 1, 1)));
    events.add(
        new Recorded(
            EventType.PIPELINE_LOG, new PipelineLog(REF, "a", "main", "first", "", 1, false)));
    events.addAll(succeededPipeline("a", 0, null));

    DryRunCompleted answer = DryRunReport.of(REQUEST, 1, events, 5);

    assertThat(answer.pipelines().get(0).containers())
        .extracting(DryRunCompleted.Container::stdout)
        .containsExactly("rendered\n");
  }

  @Test
  void bytesThatAreNotUtf8TravelAsBase64() {
    byte[] bytes = {(byte) 0xff, (byte) 0xfe, 0, 1};

    assertThat(DryRunReport.file("blob.bin", bytes))
        .isEqualTo(
            new DryRunCompleted.File(
                "blob.bin", Base64.getEncoder().encodeToString(bytes), "base64"));
    assertThat(DryRunReport.file("é.txt", "é".getBytes(StandardCharsets.UTF_8)).encoding())
        .isEqualTo("utf-8");
  }

  @Test
  void longOutputKeepsItsTailAndSaysSo() {
    String longOut = "x".repeat(DryRunReport.MAX_STREAM_CHARS) + "END";
    List<Recorded> events = new ArrayList<>();
    events.add(new Recorded(EventType.PIPELINE_STARTED, new PipelineStarted(REF, "a", 0, 1, 1)));
    events.add(
        new Recorded(
            EventType.PIPELINE_LOG, new PipelineLog(REF, "a", "main", longOut, "", 0, false)));

    DryRunCompleted.Container container =
        DryRunReport.of(REQUEST, 1, events, 5).pipelines().get(0).containers().get(0);

    assertThat(container.stdout()).hasSize(DryRunReport.MAX_STREAM_CHARS).endsWith("END");
    assertThat(container.truncated()).isTrue();
  }

  @Test
  void withoutFilesFailsNamingTheReason() {
    DryRunCompleted answer =
        DryRunReport.of(
            REQUEST,
            1,
            new ArrayList<>(succeededPipeline("a", 0, null)) {
              {
                add(
                    new Recorded(
                        EventType.WORKFLOW_COMPLETED, new WorkflowCompleted(REF, List.of("a"))));
              }
            },
            5);

    DryRunCompleted trimmed = DryRunReport.withoutFiles(answer, "too large");

    assertThat(trimmed.outcome()).isEqualTo(DryRunCompleted.FAILED);
    assertThat(trimmed.failure().reason()).isEqualTo("too large");
    assertThat(trimmed.pipelines().get(0).workloadGroups()).isEmpty();
    assertThat(trimmed.pipelines().get(0).containers()).hasSize(1);
  }
}
