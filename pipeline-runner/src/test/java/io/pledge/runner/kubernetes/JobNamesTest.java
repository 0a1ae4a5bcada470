package io.pledge.runner.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.ResourceKey;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.kratix.ObjectMeta;
import io.pledge.contract.kratix.Pipeline;
import io.pledge.runner.sandbox.WorkflowObject;
import io.pledge.runner.workflow.PipelineRunner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobNamesTest {

  private static PipelineRunner.Request request(String name, String pipeline, String runId) {
    ResourceKey key = new ResourceKey("ns", "postgresql", name);
    WorkflowObject object =
        WorkflowObject.resource(
            key,
            KratixDocuments.readAll(
                    "apiVersion: x.io/v1\nkind: Pg\nmetadata: {name: " + name + "}\n")
                .get(0),
            null);
    Pipeline p =
        new Pipeline(
            KratixDocuments.API_VERSION,
            "Pipeline",
            new ObjectMeta(pipeline, null, Map.of(), null, null),
            new Pipeline.Spec(List.of(), null, null, null, null, null, null, null));
    return new PipelineRunner.Request(object, "configure", p, null, Map.of(), runId);
  }

  @Test
  void theSameRunGetsTheSameJobNameAndAnotherRunAnother() {
    String first = JobNames.of(request("db", "instance-configure", "evt-1/1/0/0"), "a").job();

    assertThat(JobNames.of(request("db", "instance-configure", "evt-1/1/0/0"), "a").job())
        .isEqualTo(first);
    assertThat(JobNames.of(request("db", "instance-configure", "evt-2/1/0/0"), "a").job())
        .isNotEqualTo(first);
    assertThat(JobNames.of(request("db", "instance-configure", "evt-1/1/0/0"), "b").job())
        .isNotEqualTo(first);
    assertThat(first).matches("kratix-postgresql-db-instance-configure-[0-9a-f]{5}");
  }

  @Test
  void longNamesAreCutTo56CharactersPlusTheSuffix() {
    String name =
        JobNames.of(request("a-very-long-resource-name-indeed", "instance-configure", "r"), "")
            .job();

    assertThat(name).hasSize(62);
    assertThat(name.substring(0, 56))
        .isEqualTo("kratix-postgresql-a-very-long-resource-name-indeed-insta");
  }
}
