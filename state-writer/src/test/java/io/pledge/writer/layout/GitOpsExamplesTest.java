package io.pledge.writer.layout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.work.Work;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * deploy/gitops: the Flux and Argo CD examples read the folders this module lays out for the
 * example Destination (examples/postgres). Here rather than in end-to-end because the layout it
 * checks against is this module's {@link StateStoreLayout}.
 */
class GitOpsExamplesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path GITOPS = ROOT.resolve("deploy/gitops");

  /**
   * Where the example Destination's files go: {@code <store spec.path>/<destination spec.path>}.
   */
  private static String destinationRoot() throws IOException {
    JsonNode store = read(ROOT.resolve("examples/postgres/gitstatestore.yaml")).get(0);
    JsonNode destination = read(ROOT.resolve("examples/postgres/destination.yaml")).get(0);
    return StateStoreLayout.destinationRoot(
        store.at("/spec/path").asText(""), destination.at("/spec/path").asText(""));
  }

  /** A Work of {@code type} of the example Promise's pipeline (the layout test's fixture). */
  private static Work work(String type) {
    return StateStoreLayoutTest.work(type, "instance-configure");
  }

  private static List<JsonNode> read(Path file) throws IOException {
    return KratixDocuments.readAll(Files.readString(file));
  }

  /** {@code kubectl kustomize} of the Flux folder: it must build. */
  private static List<JsonNode> fluxBuilt() throws Exception {
    Process kustomize =
        new ProcessBuilder("kubectl", "kustomize", GITOPS.resolve("flux").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(kustomize.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kustomize.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(kustomize.exitValue()).as(out).isZero();
    return KratixDocuments.readAll(out);
  }

  private static JsonNode kind(List<JsonNode> documents, String kind, String name) {
    return documents.stream()
        .filter(d -> kind.equals(d.path("kind").asText()))
        .filter(d -> name.equals(d.at("/metadata/name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + documents));
  }

  @Test
  void fluxBuildsAndReadsTheDestinationsDependenciesThenItsResources() throws Exception {
    String root = destinationRoot();
    List<JsonNode> flux = fluxBuilt();

    assertThat(flux).hasSize(3);
    JsonNode repository = kind(flux, "GitRepository", "pledge-state-store");
    JsonNode dependencies = kind(flux, "Kustomization", "pledge-worker-1-dependencies");
    JsonNode resources = kind(flux, "Kustomization", "pledge-worker-1-resources");
    assertThat(dependencies.at("/spec/path").asText())
        .isEqualTo("./" + root + "/" + StateStoreLayout.DEPENDENCIES);
    assertThat(resources.at("/spec/path").asText())
        .isEqualTo("./" + root + "/" + StateStoreLayout.RESOURCES);
    assertThat(resources.at("/spec/dependsOn/0/name").asText())
        .isEqualTo(dependencies.at("/metadata/name").asText());
    for (JsonNode k : List.of(dependencies, resources)) {
      assertThat(k.at("/spec/sourceRef/name").asText())
          .isEqualTo(repository.at("/metadata/name").asText());
      assertThat(k.at("/spec/prune").asBoolean()).isTrue();
    }

    // What the writer puts there: a Promise's Works under the first, a request's under the
    // second, a canary file in each.
    String promiseFolder =
        StateStoreLayout.groupFolder(root, work(Work.PROMISE), StateStoreLayoutTest.DOT);
    String requestFolder =
        StateStoreLayout.groupFolder(root, work(Work.RESOURCE), StateStoreLayoutTest.DOT);
    assertThat(promiseFolder).startsWith(dependencies.at("/spec/path").asText().substring(2) + "/");
    assertThat(requestFolder).startsWith(resources.at("/spec/path").asText().substring(2) + "/");
    assertThat(StateStoreLayout.canaryFiles(root))
        .satisfiesExactly(
            f -> assertThat(f).startsWith(root + "/" + StateStoreLayout.DEPENDENCIES + "/"),
            f -> assertThat(f).startsWith(root + "/" + StateStoreLayout.RESOURCES + "/"));
  }

  @Test
  void argoCdReadsTheWholeDestinationFolderFromTheSameRepository() throws Exception {
    String root = destinationRoot();
    JsonNode application = read(GITOPS.resolve("argocd/application.yaml")).get(0);
    JsonNode repository = kind(fluxBuilt(), "GitRepository", "pledge-state-store");

    assertThat(application.path("kind").asText()).isEqualTo("Application");
    assertThat(application.at("/spec/source/path").asText()).isEqualTo(root);
    assertThat(application.at("/spec/source/directory/recurse").asBoolean()).isTrue();
    assertThat(application.at("/spec/source/repoURL").asText())
        .isEqualTo(repository.at("/spec/url").asText());
    assertThat(application.at("/spec/source/targetRevision").asText())
        .isEqualTo(repository.at("/spec/ref/branch").asText());
    assertThat(application.at("/spec/syncPolicy/automated/prune").asBoolean()).isTrue();
  }
}
