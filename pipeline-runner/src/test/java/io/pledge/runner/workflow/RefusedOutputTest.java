package io.pledge.runner.workflow;

import static io.pledge.runner.workflow.Pipelines.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.Promise;
import io.pledge.contract.pipeline.PipelineFailed;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.status.StatusFold;
import io.pledge.contract.work.Work;
import io.pledge.runner.StageImages;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output names that cannot become paths in a Work, and output that is too many entries, written by
 * real stages in the sandbox: the run fails with the reason on the request's status and publishes
 * no Work.
 */
class RefusedOutputTest {

  private static final ResourceKey KEY = ResourceKey.parse("team-a/pg/db1");
  private static final JsonNode RESOURCE =
      yaml(
          "apiVersion: example.io/v1\nkind: Pg\nmetadata: {name: db1, namespace: team-a}\nspec: {}\n");
  @TempDir Path dir;

  private StageImages images;
  private RecordingEvents events;
  private WorkflowRunner runner;

  @BeforeEach
  void setUp() {
    images = new StageImages(dir.resolve("images"));
    events = new RecordingEvents();
    runner =
        new WorkflowRunner(
            new PipelineRunner(
                new SandboxExecutor(Path.of("/usr/bin/bwrap"), 8192, dir.resolve("etc")),
                images.store(),
                new OutputInspector(1_000_000, 5),
                dir.resolve("runs"),
                Duration.ofSeconds(20),
                0),
            events,
            Duration.ofSeconds(5));
  }

  /** A Promise whose one configure pipeline runs {@code image}. */
  private static Promise promise(String image) {
    return Pipelines.promise(
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata: {name: pg}
        spec:
          workflows:
            resource:
              configure:
                - metadata: {name: render}
                  spec: {containers: [{name: c, image: "%s"}]}
        """
            .formatted(image));
  }

  /** Runs {@code script} as the only stage of {@code image}; returns the reason of its failure. */
  private String failureOf(String image, String script) {
    images.add(image, "#!/bin/sh\nset -e\n" + script);

    boolean completed = runner.configureResource(KEY, 1, RESOURCE, promise(image), () -> false);

    assertThat(completed).isFalse();
    assertThat(events.data(EventType.WORK_UPSERTED, Work.class)).isEmpty();
    PipelineFailed failed = events.data(EventType.PIPELINE_FAILED, PipelineFailed.class).get(0);
    ResourceStatus status = StatusFold.foldAll(KEY.toString(), events.events);
    assertThat(status.displayStatus()).isEqualTo("Failing");
    assertThat(status.lastFailure().reason()).isEqualTo(failed.reason());
    return failed.reason();
  }

  @Test
  void refusesANameWithBackslashesInsteadOfTurningThemIntoSeparators() {
    String reason = failureOf("backslash:v1", "touch '/kratix/output/..\\..\\escaped.yaml'\n");

    assertThat(reason)
        .isEqualTo(
            "output name \"/kratix/output/..\\\\..\\\\escaped.yaml\" holds a backslash, a path"
                + " separator on other systems (names must be portable)");
  }

  @Test
  void refusesANameWithANewline() {
    String reason =
        failureOf(
            "newline:v1",
            "mkdir /kratix/output/sub\ntouch \"$(printf '/kratix/output/sub/a\\nb.yaml')\"\n");

    assertThat(reason)
        .isEqualTo("output name \"/kratix/output/sub/a\\nb.yaml\" holds a control character");
  }

  @Test
  void refusesOtherControlCharacters() {
    // DEL, then U+0085 (NEXT LINE, a C1 control) as UTF-8.
    assertThat(failureOf("del:v1", "touch \"$(printf '/kratix/output/del\\177.yaml')\"\n"))
        .isEqualTo("output name \"/kratix/output/del\\x7f.yaml\" holds a control character");
    events.events.clear();
    assertThat(failureOf("c1:v1", "touch \"$(printf '/kratix/output/c1\\302\\205.yaml')\"\n"))
        .isEqualTo("output name \"/kratix/output/c1\\u0085.yaml\" holds a control character");
  }

  @Test
  void refusesANameThatIsNotUtf8() {
    String reason =
        failureOf("latin1:v1", "touch \"$(printf '/kratix/output/bad\\377\\376.yaml')\"\n");

    assertThat(reason)
        .isEqualTo("output name \"/kratix/output/bad\\xff\\xfe.yaml\" is not valid UTF-8");
  }

  @Test
  void countsEmptyDirectoriesTowardsTheFileLimit() {
    String reason =
        failureOf("dirs:v1", "for i in 1 2 3 4 5 6; do mkdir /kratix/output/empty$i; done\n");

    assertThat(reason)
        .isEqualTo(
            "/kratix/output holds more than 5 files and empty directories"
                + " (limit pledge.runner.max-output-files)");
  }

  @Test
  void keepsAnyOtherUtf8NameAsItIs() {
    images.add(
        "accents:v1",
        "#!/bin/sh\nset -e\nmkdir '/kratix/output/données'\n"
            + "echo x > '/kratix/output/données/café \"1\".yaml'\n");

    boolean completed =
        runner.configureResource(KEY, 1, RESOURCE, promise("accents:v1"), () -> false);

    assertThat(completed).isTrue();
    Work work = events.data(EventType.WORK_UPSERTED, Work.class).get(0);
    assertThat(work.workloadGroups().get(0).workloads().get(0).filepath())
        .isEqualTo("données/café \"1\".yaml");
  }
}
