package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.Pipeline;
import io.pledge.contract.pipeline.ContainerImage;
import io.pledge.contract.work.Workload;
import io.pledge.oci.ContainersConfig;
import io.pledge.oci.Manifest;
import io.pledge.runner.StageImages;
import io.pledge.runner.outcome.PipelineOutcome;
import io.pledge.runner.sandbox.OutputInspector;
import io.pledge.runner.sandbox.SandboxExecutor;
import io.pledge.runner.sandbox.WorkflowObject;
import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container runs as its image, the way a pod runs it: the image's root filesystem, PATH, Env,
 * WorkingDir and User, with Kubernetes' rules for command and args.
 */
class ImageRunTest {

  @TempDir Path dir;
  TestImages images;
  PipelineRunner runner;

  final WorkflowObject object =
      WorkflowObject.resource(
          ResourceKey.parse("team-a/postgresql/db1"),
          Pipelines.yaml(
              "apiVersion: workshop.kratix.io/v1\nkind: postgresql\n"
                  + "metadata: {name: db1, namespace: team-a}\nspec: {size: small}\n"),
          Pipelines.promise(
              "apiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata: {name: postgresql}\n"));

  @BeforeEach
  void setUp() {
    images = new TestImages(OciRegistry.shared(), dir.resolve("build"));
    runner =
        new PipelineRunner(
            new SandboxExecutor(Path.of("/usr/bin/bwrap"), 8192, dir.resolve("etc")),
            StageImages.store(
                dir.resolve("cache"),
                Duration.ofSeconds(30),
                ContainersConfig.fromEnvironment(Map.of())),
            new OutputInspector(1_000_000, 20),
            dir.resolve("runs"),
            Duration.ofSeconds(20),
            0);
  }

  String image(String containerfile, Map<String, String> files) {
    return images.image(
        "run/image-" + Long.toHexString(System.nanoTime()) + ":v1", containerfile, files);
  }

  static Pipeline.Container container(
      String name, String image, List<String> command, List<String> args) {
    return new Pipeline.Container(name, image, command, args, null, null);
  }

  PipelineOutcome.Succeeded run(Pipeline.Container... containers) {
    PipelineOutcome outcome =
        runner.run(
            new PipelineRunner.Request(
                object,
                "configure",
                Pipelines.pipeline("p", null, containers),
                JsonNodeFactory.instance.objectNode(),
                Map.of()),
            new PipelineRunner.Listener() {
              @Override
              public void attemptStarted(int attempt) {}

              @Override
              public void containerFinished(
                  String container, io.pledge.runner.sandbox.StageResult result, int attempt) {}
            },
            () -> false);
    assertThat(outcome).as(outcome.toString()).isInstanceOf(PipelineOutcome.Succeeded.class);
    return (PipelineOutcome.Succeeded) outcome;
  }

  /** The pipeline's output files by path. */
  static Map<String, String> outputs(PipelineOutcome.Succeeded outcome) {
    Map<String, String> files = new TreeMap<>();
    outcome.groups().stream()
        .flatMap(g -> g.workloads().stream())
        .forEach(w -> files.put(w.filepath(), text(w)));
    return files;
  }

  static String text(Workload workload) {
    return new String(workload.bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void aCommandIsFoundOnTheImagesOwnPath() {
    String ref =
        image(
            """
            FROM BUSYBOX
            COPY --chmod=755 bin/only-here /opt/tools/bin/only-here
            ENV PATH=/opt/tools/bin:/usr/local/bin:/usr/bin:/bin
            """,
            Map.of("bin/only-here", "#!/bin/sh\necho \"only-here $*\" > /kratix/output/out.txt\n"));
    assertThat(Path.of("/opt/tools/bin/only-here")).doesNotExist();

    PipelineOutcome.Succeeded outcome =
        run(container("c", ref, List.of("only-here"), List.of("a", "b")));

    assertThat(outputs(outcome)).containsEntry("out.txt", "only-here a b\n");
  }

  @Test
  void theImagesToolsShadowTheHostsAndHostOnlyToolsAreAbsent() {
    // The host's yq (Debian's Python one) and git are what a host-script runner would have used.
    assertThat(Path.of("/usr/bin/yq")).as("the host has a yq of its own").isExecutable();
    assertThat(Path.of("/usr/bin/git")).as("the host has git").isExecutable();
    String ref =
        image(
            """
            FROM BUSYBOX
            COPY --chmod=755 bin/yq /usr/bin/yq
            """,
            Map.of("bin/yq", "#!/bin/sh\necho \"the image's yq: $1\"\n"));

    PipelineOutcome.Succeeded outcome =
        run(
            container(
                "c",
                ref,
                List.of("sh", "-c"),
                List.of(
                    "yq .spec.size /kratix/input/object.yaml > /kratix/output/yq.txt;"
                        + " (command -v git || echo no git) > /kratix/output/git.txt")));

    assertThat(outputs(outcome))
        .containsEntry("yq.txt", "the image's yq: .spec.size\n")
        .containsEntry("git.txt", "no git\n");
  }

  @Test
  void commandReplacesEntrypointAndArgsReplacesCmdAsInKubernetes() {
    String show = "#!/bin/sh\necho \"$(basename \"$0\")\" \"$@\" >> /kratix/output/calls.txt\n";
    String ref =
        image(
            """
            FROM BUSYBOX
            COPY --chmod=755 bin/show bin/other /usr/local/bin/
            ENTRYPOINT ["/usr/local/bin/show", "from-entrypoint"]
            CMD ["from-cmd"]
            """,
            Map.of("bin/show", show, "bin/other", show));

    PipelineOutcome.Succeeded outcome =
        run(
            container("neither", ref, null, null),
            container("args", ref, null, List.of("a1")),
            container("command", ref, List.of("other"), null),
            container("both", ref, List.of("other"), List.of("a1", "a2")));

    assertThat(outputs(outcome).get("calls.txt"))
        .isEqualTo(
            "show from-entrypoint from-cmd\n" // the image's ENTRYPOINT and CMD
                + "show from-entrypoint a1\n" // args replace CMD only
                + "other\n" // command drops CMD too
                + "other a1 a2\n");
  }

  @Test
  void runsAsTheImagesNamedUserInItsWorkingDirWithItsEnvironment() throws Exception {
    String ref =
        image(
            """
            FROM BUSYBOX
            COPY etc/passwd etc/group /etc/
            ENV GREETING=from-image LEVEL=from-image KRATIX_PROMISE_NAME=forged
            WORKDIR /work
            USER pipeline
            COPY --chmod=755 bin/whoami /usr/local/bin/
            ENTRYPOINT ["whoami"]
            """,
            Map.of(
                "etc/passwd",
                "root:x:0:0:root:/root:/bin/sh\npipeline:x:1001:1002::/home/pipeline:/bin/sh\n",
                "etc/group",
                "root:x:0:\npipeline:x:1002:\n",
                "bin/whoami",
                "#!/bin/sh\n"
                    + "{ id -u; id -g; pwd; echo \"$HOME\"; echo \"$GREETING $LEVEL\";"
                    + " echo \"$KRATIX_PROMISE_NAME\"; echo \"$*\"; }"
                    + " > /kratix/output/me.txt\n"));

    PipelineOutcome.Succeeded outcome =
        run(
            new Pipeline.Container(
                "c",
                ref,
                null,
                List.of("$(GREETING)-expanded", "$$(GREETING)"),
                List.of(new Pipeline.EnvVar("GREETING", "from-container")),
                null));

    assertThat(outputs(outcome).get("me.txt"))
        .isEqualTo(
            String.join(
                "\n",
                "1001",
                "1002",
                "/work",
                "/home/pipeline",
                "from-container from-image", // the container's env wins over the image's
                "postgresql", // Kratix's variables win over both
                "from-container-expanded $(GREETING)",
                ""));
  }

  @Test
  void eachContainersImageDigestIsRecorded() {
    String ref = image("FROM BUSYBOX\n", Map.of());
    String digest = Manifest.digestOf(skopeoRaw(ref));

    PipelineOutcome.Succeeded outcome =
        run(
            container("first", ref, List.of("true"), null),
            container("second", ref, List.of("true"), null));

    assertThat(outcome.containers())
        .containsExactly(
            new ContainerImage("first", ref, digest), new ContainerImage("second", ref, digest));
  }

  private static byte[] skopeoRaw(String ref) {
    try {
      Process p =
          new ProcessBuilder(
                  "skopeo",
                  "--insecure-policy",
                  "inspect",
                  "--raw",
                  "--tls-verify=false",
                  "docker://" + ref)
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
