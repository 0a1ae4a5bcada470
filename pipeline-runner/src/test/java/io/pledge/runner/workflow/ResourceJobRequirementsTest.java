package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.Promise;
import org.junit.jupiter.api.Test;

/** Kratix holds the requests of a Promise until its requiredPromises are Available. */
class ResourceJobRequirementsTest {

  private static final ResourceKey KEY = new ResourceKey("default", "app", "shop");
  private final PromiseRegistry registry = new PromiseRegistry();

  private void available(String yaml) {
    JsonNode document = KratixDocuments.readAll(yaml).get(0);
    Promise promise = KratixDocuments.YAML.convertValue(document, Promise.class);
    String name = promise.metadata().name();
    registry.applied(name, 1, promise, document);
    registry.configured(name, PromiseRegistry.digest(document), true);
  }

  private ResourceJob job(ResourceJob.Action action) {
    return new ResourceJob(KEY, 1, null, action, registry, null, () -> {});
  }

  private static String promise(String name, String version, String requirement) {
    return "apiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata:\n  name: "
        + name
        + "\n  labels: {kratix.io/promise-version: "
        + version
        + "}\nspec:\n  requiredPromises: ["
        + requirement
        + "]\n";
  }

  @Test
  void aRequestWaitsForEachRequirementInTurnThenRuns() {
    available(promise("app", "v1", "{name: backend, version: v2}"));
    assertThat(job(ResourceJob.Action.CONFIGURE).waitingFor()).isEqualTo("backend");

    available(promise("backend", "v1", "{name: db}"));
    assertThat(job(ResourceJob.Action.CONFIGURE).waitingFor())
        .as("backend is there at another version")
        .isEqualTo("backend");

    available(promise("backend", "v2", "{name: db}"));
    assertThat(job(ResourceJob.Action.CONFIGURE).waitingFor())
        .as("backend's own requirement db is missing: db's arrival is what must wake the job")
        .isEqualTo("db");

    available(promise("db", "v1", ""));
    assertThat(job(ResourceJob.Action.CONFIGURE).waitingFor()).isNull();
  }

  @Test
  void aDeleteDoesNotWaitForRequirements() {
    available(promise("app", "v1", "{name: backend}"));

    assertThat(job(ResourceJob.Action.DELETE).waitingFor()).isNull();
  }
}
