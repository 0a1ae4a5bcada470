package io.pledge.runner.workflow;

import static io.pledge.runner.workflow.Pipelines.container;
import static io.pledge.runner.workflow.Pipelines.pipeline;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.Pipeline;
import io.pledge.contract.work.WorkloadGroup;
import io.pledge.runner.StageImages;
import io.pledge.runner.outcome.PipelineOutcome;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import io.pledge.runner.sandbox.StageResult;
import io.pledge.runner.sandbox.WorkflowObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineRunnerTest {

  @TempDir Path dir;

  private StageImages images;
  private PipelineRunner runner;
  private final List<Integer> attempts = new ArrayList<>();
  private final List<String> containers = new ArrayList<>();
  private final PipelineRunner.Listener listener =
      new PipelineRunner.Listener() {
        @Override
        public void attemptStarted(int attempt) {
          attempts.add(attempt);
        }

        @Override
        public void containerFinished(String container, StageResult result, int attempt) {
          containers.add(container);
        }
      };

  private final WorkflowObject object =
      WorkflowObject.resource(
          ResourceKey.parse("team-a/postgresql/db1"),
          Pipelines.yaml(
              "apiVersion: workshop.kratix.io/v1\nkind: postgresql\n"
                  + "metadata: {name: db1, namespace: team-a}\nspec: {size: small}\n"),
          Pipelines.promise(
              """
              apiVersion: platform.kratix.io/v1alpha1
              kind: Promise
              metadata: {name: postgresql}
              spec:
                api:
                  apiVersion: apiextensions.k8s.io/v1
                  kind: CustomResourceDefinition
                  spec:
                    group: workshop.kratix.io
                    scope: Namespaced
                    names: {kind: postgresql, plural: postgresqls}
                    versions: [{name: v1, served: true, storage: true}]
              """));

  @BeforeEach
  void setUp() {
    images = new StageImages(dir.resolve("images"));
    runner =
        new PipelineRunner(
            new SandboxExecutor(Path.of("/usr/bin/bwrap"), 8192, dir.resolve("etc")),
            images.store(),
            new OutputInspector(1_000_000, 5),
            dir.resolve("runs"),
            Duration.ofSeconds(20),
            0);
  }

  private PipelineOutcome run(String action, Pipeline pipeline, ObjectNode status) {
    return runner.run(
        new PipelineRunner.Request(object, action, pipeline, status, Map.of("zone", "eu")),
        listener,
        () -> false);
  }

  private PipelineOutcome configure(Pipeline pipeline) {
    return run("configure", pipeline, JsonNodeFactory.instance.objectNode());
  }

  private static String text(WorkloadGroup group, int i) {
    return new String(group.workloads().get(i).bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void runsContainersInOrderSharingTheirFoldersAndSeeingTheKratixVariables() {
    images
        .add(
            "first:v1",
            "#!/bin/sh\nset -e\necho \"size=$(grep size: /kratix/input/object.yaml)\" > /kratix/metadata/scratch\n")
        .add(
            "second:v1",
            "#!/bin/sh\nset -e\n{ cat /kratix/metadata/scratch;"
                + " echo \"$KRATIX_WORKFLOW_ACTION $KRATIX_WORKFLOW_TYPE $KRATIX_PROMISE_NAME"
                + " $KRATIX_PIPELINE_NAME $KRATIX_OBJECT_KIND $KRATIX_OBJECT_GROUP"
                + " $KRATIX_OBJECT_VERSION $KRATIX_OBJECT_NAMESPACE/$KRATIX_OBJECT_NAME"
                + " $KRATIX_CRD_PLURAL $KRATIX_CLUSTER_SCOPED\"; } > /kratix/output/result.txt\n");

    PipelineOutcome outcome =
        configure(
            pipeline(
                "instance-configure",
                null,
                container("one", "first:v1"),
                container("two", "second:v1")));

    assertThat(outcome).isInstanceOf(PipelineOutcome.Succeeded.class);
    List<WorkloadGroup> groups = ((PipelineOutcome.Succeeded) outcome).groups();
    assertThat(groups).hasSize(1);
    assertThat(text(groups.get(0), 0))
        .isEqualTo(
            "size=  size: small\n"
                + "configure resource postgresql instance-configure postgresql workshop.kratix.io"
                + " v1 team-a/db1 postgresqls false\n");
    assertThat(groups.get(0).destinationSelectors())
        .extracting(s -> s.source())
        .containsExactly("promise");
    assertThat(containers).containsExactly("one", "two");
  }

  @Test
  void showsTheStatusSoFarInObjectYaml() throws Exception {
    images.add("status:v1", "#!/bin/sh\ncp /kratix/input/object.yaml /kratix/output/object.yaml\n");
    ObjectNode status = JsonNodeFactory.instance.objectNode().put("message", "from pipeline one");

    PipelineOutcome outcome =
        run("configure", pipeline("p", null, container("c", "status:v1")), status);

    String copy = text(((PipelineOutcome.Succeeded) outcome).groups().get(0), 0);
    assertThat(copy).contains("status:", "message: from pipeline one", "size: small");
  }

  @Test
  void aFailingContainerFailsThePipelineAfterItsRetries() {
    images.add("boom:v1", "#!/bin/sh\necho first line >&2\necho boom >&2\nexit 4\n");

    PipelineOutcome outcome = configure(pipeline("p", 2, container("c", "boom:v1")));

    assertThat(outcome).isInstanceOf(PipelineOutcome.Failed.class);
    PipelineOutcome.Failed failed = (PipelineOutcome.Failed) outcome;
    assertThat(failed.container()).isEqualTo("c");
    assertThat(failed.exitCode()).isEqualTo(4);
    assertThat(failed.reason()).contains("exited with code 4");
    assertThat(failed.stderrTail()).isEqualTo("first line\nboom");
    assertThat(attempts).containsExactly(1, 2, 3);
  }

  @Test
  void laterContainersDoNotRunAfterAFailure() {
    images.add("fail:v1", "#!/bin/sh\nexit 1\n").add("never:v1", "#!/bin/sh\nexit 0\n");

    configure(pipeline("p", null, container("a", "fail:v1"), container("b", "never:v1")));

    assertThat(containers).containsExactly("a");
  }

  @Test
  void anUnknownImageFailsAtOnceWithoutRetries() {
    PipelineOutcome outcome =
        configure(pipeline("p", 3, container("c", "ghcr.io/acme/missing:v1")));

    assertThat(((PipelineOutcome.Failed) outcome).reason()).contains("ghcr.io/acme/missing:v1");
    assertThat(attempts).containsExactly(1);
  }

  @Test
  void anOutputLinkEscapingTheFolderFailsThePipeline() {
    images.add("link:v1", "#!/bin/sh\nln -s /etc/passwd /kratix/output/passwd\n");

    PipelineOutcome outcome = configure(pipeline("p", null, container("c", "link:v1")));

    assertThat(((PipelineOutcome.Failed) outcome).reason())
        .contains("escapes /kratix/output", "symbolic link", "/etc/passwd");
  }

  @Test
  void tooManyOutputFilesFailThePipeline() {
    images.add(
        "many:v1", "#!/bin/sh\nfor i in 1 2 3 4 5 6; do echo $i > /kratix/output/f$i; done\n");

    PipelineOutcome outcome = configure(pipeline("p", null, container("c", "many:v1")));

    assertThat(((PipelineOutcome.Failed) outcome).reason()).contains("more than 5 files");
  }

  @Test
  void aStatusWithTheKratixKeyFailsThePipeline() {
    images.add(
        "kratix:v1", "#!/bin/sh\nprintf 'kratix:\\n  x: 1\\n' > /kratix/metadata/status.yaml\n");

    PipelineOutcome outcome = configure(pipeline("p", null, container("c", "kratix:v1")));

    assertThat(((PipelineOutcome.Failed) outcome).reason()).contains("'kratix'");
  }

  @Test
  void invalidDestinationSelectorsFailThePipeline() {
    images.add(
        "sel:v1",
        "#!/bin/sh\nprintf -- '- directory: a/b\\n  matchLabels: {x: y}\\n'"
            + " > /kratix/metadata/destination-selectors.yaml\n");

    PipelineOutcome outcome = configure(pipeline("p", null, container("c", "sel:v1")));

    assertThat(((PipelineOutcome.Failed) outcome).reason()).contains("sub-directories");
  }

  @Test
  void directoriesNamedInDestinationSelectorsBecomeGroups() {
    images.add(
        "dirs:v1",
        "#!/bin/sh\nset -e\nmkdir /kratix/output/edge\necho e > /kratix/output/edge/e.yaml\n"
            + "echo r > /kratix/output/r.yaml\n"
            + "printf -- '- directory: edge\\n  matchLabels: {tier: edge}\\n'"
            + " > /kratix/metadata/destination-selectors.yaml\n");

    PipelineOutcome outcome = configure(pipeline("p", null, container("c", "dirs:v1")));

    List<WorkloadGroup> groups = ((PipelineOutcome.Succeeded) outcome).groups();
    assertThat(groups).extracting(WorkloadGroup::directory).containsExactly("edge", ".");
  }

  @Test
  void aSuspendingPipelineProducesNoGroups() {
    images.add(
        "suspend:v1",
        "#!/bin/sh\necho x > /kratix/output/x.yaml\n"
            + "printf 'suspend: true\\nmessage: approval\\n' > /kratix/metadata/workflow-control.yaml\n"
            + "echo 'message: waiting' > /kratix/metadata/status.yaml\n");

    PipelineOutcome outcome = configure(pipeline("p", null, container("c", "suspend:v1")));

    assertThat(outcome).isInstanceOf(PipelineOutcome.Suspended.class);
    PipelineOutcome.Suspended suspended = (PipelineOutcome.Suspended) outcome;
    assertThat(suspended.control().message()).isEqualTo("approval");
    assertThat(suspended.status().get("message").asText()).isEqualTo("waiting");
  }

  @Test
  void aDeletePipelinesOutputIsIgnoredButItsStatusIsRead() {
    images.add(
        "del:v1",
        "#!/bin/sh\necho \"$KRATIX_WORKFLOW_ACTION\" > /kratix/output/x\n"
            + "echo \"message: $KRATIX_WORKFLOW_ACTION\" > /kratix/metadata/status.yaml\n");

    PipelineOutcome outcome =
        run(
            "delete",
            pipeline("p", null, container("c", "del:v1")),
            JsonNodeFactory.instance.objectNode());

    PipelineOutcome.Succeeded succeeded = (PipelineOutcome.Succeeded) outcome;
    assertThat(succeeded.groups()).isEmpty();
    assertThat(succeeded.status().get("message").asText()).isEqualTo("delete");
  }

  @Test
  void leavesNoRunFoldersBehind() throws Exception {
    images.add("ok:v1", "#!/bin/sh\necho x > /kratix/output/x\n");

    configure(pipeline("p", null, container("c", "ok:v1")));

    try (var left = Files.list(dir.resolve("runs"))) {
      assertThat(left).isEmpty();
    }
  }
}
