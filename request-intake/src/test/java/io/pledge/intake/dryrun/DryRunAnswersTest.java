package io.pledge.intake.dryrun;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.dryrun.DryRunCompleted;
import io.pledge.contract.kratix.KratixDocuments;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DryRunAnswersTest {

  private static final ResourceKey KEY = new ResourceKey("team-a", "postgresql", "orders");
  private static final JsonNode RESOURCE =
      KratixDocuments.readAll(
              """
              apiVersion: workshop.kratix.io/v1
              kind: postgresql
              metadata: {name: orders, namespace: team-a, generation: 4}
              spec: {size: small}
              """)
          .get(0);

  private static DryRunCompleted answer(String outcome, String message, DryRunCompleted.Failure f) {
    return new DryRunCompleted("c", KEY, 4, outcome, message, 2L, List.of(), null, f, 10);
  }

  @Test
  void aSuspendedWorkflowIsAnAnswerNotAProblem() {
    DryRunAnswers.Answer http =
        DryRunAnswers.of(
            answer(DryRunCompleted.SUSPENDED, "suspended: needs approval", null),
            RESOURCE,
            Duration.ofMillis(30));

    assertThat(http.status()).isEqualTo(200);
    assertThat(http.problem()).isFalse();
    DryRunResult result = (DryRunResult) http.body();
    assertThat(result.outcome()).isEqualTo("suspended");
    assertThat(result.message()).isEqualTo("suspended: needs approval");
    assertThat(result.generation()).isEqualTo(4);
    assertThat(result.elapsedMillis()).isEqualTo(30);
    assertThat(result.apiVersion()).isEqualTo("workshop.kratix.io/v1");
  }

  @Test
  void aPipelineFailureWithoutAContainerStillNamesThePipeline() {
    DryRunAnswers.Answer http =
        DryRunAnswers.of(
            answer(
                DryRunCompleted.FAILED,
                "output path escapes /kratix/output",
                new DryRunCompleted.Failure(
                    "render", null, null, "output path escapes /kratix/output", null)),
            RESOURCE,
            Duration.ZERO);

    assertThat(http.status()).isEqualTo(422);
    assertThat(http.problem()).isTrue();
    ObjectNode problem = (ObjectNode) http.body();
    assertThat(problem.path("detail").asText())
        .isEqualTo(
            "The dry run of team-a/postgresql/orders failed: pipeline render: output path escapes"
                + " /kratix/output");
    assertThat(problem.has("container")).isFalse();
    assertThat(problem.path("pipeline").asText()).isEqualTo("render");
  }

  @Test
  void anUnknownOutcomeIsAFailure() {
    assertThat(DryRunAnswers.of(answer("exploded", "?", null), RESOURCE, Duration.ZERO).status())
        .isEqualTo(422);
  }

  @Test
  void aTimeoutIsA504NamingTheResource() {
    DryRunAnswers.Answer http = DryRunAnswers.timedOut(KEY, Duration.ofSeconds(30));

    assertThat(http.status()).isEqualTo(504);
    assertThat(((ObjectNode) http.body()).path("detail").asText())
        .contains("team-a/postgresql/orders", "30000 ms");
  }
}
