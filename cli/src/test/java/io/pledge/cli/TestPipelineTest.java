package io.pledge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.testkit.oci.OciRegistry;
import io.pledge.testkit.oci.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pledge test pipeline}: a Promise's workflow run in the runner's sandbox (bubblewrap, the
 * image store) on this host, with images from a real registry and no service running.
 */
class TestPipelineTest {

  @TempDir Path dir;
  CliRun cli;
  final OciRegistry registry = OciRegistry.shared();

  int pledge(String... args) {
    if (cli == null) {
      cli = new CliRun(dir);
    }
    return cli.pledge(args);
  }

  private void promise(String folder, String... images) throws Exception {
    pledge("init", "promise", "cache", "-g", "example.com", "-k", "Cache", "-d", folder);
    for (String image : images) {
      assertThat(
              pledge("add", "container", "resource/configure/instance", "-i", image, "-d", folder))
          .as(cli.err())
          .isZero();
    }
  }

  @Test
  void runsEachContainerOnTheRequestAndPrintsWhatThePipelineWrote() throws Exception {
    TestImages images = new TestImages(registry, dir.resolve("images"));
    String render =
        images.script(
            "test-pipeline/render:v1",
            "#!/bin/sh\nset -e\n"
                + "name=$(sed -n 's/^  name: //p' /kratix/input/object.yaml)\n"
                + "printf 'kind: ConfigMap\\nmetadata: {name: %s}\\ndata: {workflow: %s, object: %s}\\n'"
                + " \"$name\" \"$KRATIX_WORKFLOW_TYPE\" \"$KRATIX_OBJECT_NAME\""
                + " > /kratix/output/cache.yaml\n");
    String annotate =
        images.script(
            "test-pipeline/annotate:v1",
            "#!/bin/sh\nset -e\ntest -f /kratix/output/cache.yaml\n"
                + "echo 'message: rendered' > /kratix/metadata/status.yaml\necho done >&2\n");
    promise(".", render, annotate);
    Files.writeString(
        dir.resolve("request.yaml"),
        "apiVersion: example.com/v1alpha1\nkind: Cache\nmetadata:\n  name: shop\n");

    int code = pledge("test", "pipeline", ".", "--input", "request.yaml");

    assertThat(code).as(cli.out() + "/" + cli.err()).isZero();
    assertThat(cli.out())
        .contains("# instance: /kratix/output/cache.yaml\n")
        .contains("data: {workflow: resource, object: shop}")
        .contains("# instance: /kratix/metadata/status.yaml\nmessage: rendered\n");
    assertThat(cli.err())
        .contains("instance/" + registry.host().replaceAll("[.:]", "-") + "-test-pipeline-render: ")
        .contains("succeeded in")
        .contains("done");
  }

  @Test
  void aFailingContainerStopsThePipelineWithItsReasonAndABadImageIsNamed() throws Exception {
    TestImages images = new TestImages(registry, dir.resolve("images"));
    String failing =
        images.script("test-pipeline/fail:v1", "#!/bin/sh\necho 'no such size' >&2\nexit 3\n");
    promise(".", failing);
    Files.writeString(
        dir.resolve("request.yaml"),
        "apiVersion: example.com/v1alpha1\nkind: Cache\nmetadata: {name: shop}\n");

    assertThat(pledge("test", "pipeline", "promise.yaml", "-i", "request.yaml")).isEqualTo(1);
    assertThat(cli.err()).contains("no such size").contains("error: pipeline instance:");
    assertThat(cli.out()).isEmpty();

    promise("missing", registry.reference("test-pipeline/missing:v1"));
    assertThat(pledge("test", "pipeline", "missing", "-i", "request.yaml")).isEqualTo(1);
    assertThat(cli.err()).contains("image " + registry.reference("test-pipeline/missing:v1"));
    assertThat(pledge("test", "pipeline", ".")).isEqualTo(1);
    assertThat(cli.err()).contains("no promise/configure pipelines");
  }
}
