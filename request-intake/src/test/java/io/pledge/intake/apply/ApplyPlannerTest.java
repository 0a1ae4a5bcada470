package io.pledge.intake.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.destination.DestinationApplied;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.promise.PromiseApplied;
import io.pledge.contract.request.Problem.FieldError;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.request.RequestDeleted;
import io.pledge.intake.apply.Change.PromiseChange;
import io.pledge.intake.apply.Change.RequestChange;
import io.pledge.intake.problem.ProblemException;
import io.pledge.intake.view.IntakeView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyPlannerTest {

  private static final EventCodec CODEC = new EventCodec("/test");
  private final IntakeView view = new IntakeView(true);

  static String promiseYaml() {
    try (InputStream in = ApplyPlannerTest.class.getResourceAsStream("/postgres/promise.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<JsonNode> docs(String yaml) {
    return KratixDocuments.readAll(yaml);
  }

  static String request(String name, String spec) {
    return """
        apiVersion: workshop.kratix.io/v1
        kind: postgresql
        metadata: {name: %s}
        spec: %s
        """
        .formatted(name, spec);
  }

  private List<Change> plan(String yaml) {
    return ApplyPlanner.plan(docs(yaml), view, "default");
  }

  /** Applies the plan to the view as the published events would. */
  private List<Change> planAndRecord(String yaml) {
    List<Change> changes = plan(yaml);
    for (Change c : changes) {
      if (c instanceof PromiseChange p && p.outcome() != Outcome.UNCHANGED) {
        view.applyReplayed(
            CODEC.event(
                EventType.PROMISE_APPLIED,
                p.entry().name(),
                new PromiseApplied(
                    p.entry().name(), p.entry().generation(), p.entry().document())));
      } else if (c instanceof RequestChange r && r.outcome() != Outcome.UNCHANGED) {
        view.applyReplayed(
            CODEC.event(
                EventType.REQUEST_APPLIED,
                r.key().toString(),
                new RequestApplied(r.key(), r.generation(), r.specHash(), r.resource())));
      }
    }
    return changes;
  }

  private static ProblemException problem(Runnable r) {
    try {
      r.run();
    } catch (ProblemException e) {
      return e;
    }
    throw new AssertionError("no problem raised");
  }

  @Test
  void createsThenLeavesUnchangedThenBumpsAPromise() {
    PromiseChange first = (PromiseChange) planAndRecord(promiseYaml()).get(0);
    PromiseChange same = (PromiseChange) planAndRecord(promiseYaml()).get(0);
    PromiseChange changed =
        (PromiseChange)
            planAndRecord(promiseYaml().replace("default: postgres", "default: app")).get(0);
    PromiseChange relabelled =
        (PromiseChange)
            planAndRecord(
                    promiseYaml()
                        .replace("default: postgres", "default: app")
                        .replace("  namespace: default\nspec:", "  labels: {team: data}\nspec:"))
                .get(0);

    assertThat(first.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(first.entry().generation()).isEqualTo(1);
    assertThat(first.entry().document().at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(same.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(changed.outcome()).isEqualTo(Outcome.CONFIGURED);
    assertThat(changed.entry().generation()).isEqualTo(2);
    assertThat(relabelled.outcome()).isEqualTo(Outcome.CONFIGURED);
    assertThat(relabelled.entry().generation()).isEqualTo(2);
  }

  @Test
  void aBodyMayHoldAPromiseAndRequestsForIt() {
    List<Change> changes = plan(promiseYaml() + "\n---\n" + request("example", "{requester: ana}"));

    assertThat(changes).hasSize(2);
    RequestChange r = (RequestChange) changes.get(1);
    assertThat(r.key()).isEqualTo(new ResourceKey("default", "postgresql", "example"));
    assertThat(r.resource().at("/spec/size").asText()).isEqualTo("small");
  }

  @Test
  void requestGenerationsFollowSpecChangesOnly() {
    planAndRecord(promiseYaml());

    RequestChange created = (RequestChange) planAndRecord(request("a", "{requester: ana}")).get(0);
    RequestChange same =
        (RequestChange)
            planAndRecord(request("a", "{requester: ana, size: small, dbName: postgres}")).get(0);
    RequestChange changed = (RequestChange) planAndRecord(request("a", "{requester: bo}")).get(0);

    assertThat(created.generation()).isEqualTo(1);
    assertThat(created.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(same.outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(same.generation()).isEqualTo(1);
    assertThat(changed.outcome()).isEqualTo(Outcome.CONFIGURED);
    assertThat(changed.generation()).isEqualTo(2);
    assertThat(changed.resource().at("/metadata/generation").asLong()).isEqualTo(2);
    assertThat(changed.specHash()).isNotEqualTo(created.specHash());
  }

  @Test
  void theSameResourceTwiceInOneBodyTakesConsecutiveGenerations() {
    planAndRecord(promiseYaml());

    List<Change> changes =
        plan(request("twice", "{requester: a}") + "---\n" + request("twice", "{requester: b}"));

    assertThat(changes).extracting(c -> ((RequestChange) c).generation()).containsExactly(1L, 2L);
  }

  @Test
  void aRequestRecreatedAfterADeleteContinuesItsGeneration() {
    planAndRecord(promiseYaml());
    RequestChange first =
        (RequestChange) planAndRecord(request("again", "{requester: ana}")).get(0);
    view.applyReplayed(
        CODEC.event(
            EventType.REQUEST_DELETED,
            first.key().toString(),
            new RequestDeleted(first.key(), 1, first.resource())));

    RequestChange again = (RequestChange) plan(request("again", "{requester: ana}")).get(0);

    assertThat(again.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(again.generation()).isEqualTo(2);
  }

  @Test
  void reportsEveryInvalidDocumentWithItsIndex() {
    planAndRecord(promiseYaml());

    ProblemException e =
        problem(
            () ->
                plan(
                    request("ok", "{requester: a}")
                        + "---\n"
                        + request("Bad_Name", "{size: huge}")));

    assertThat(e.problem().status()).isEqualTo(422);
    assertThat(e.problem().errors())
        .extracting(FieldError::path)
        .contains("/1/metadata/name", "/1/spec/size", "/1/spec/requester")
        .noneMatch(p -> p.startsWith("/0"));
    assertThat(e.problem().detail()).contains("1 of 2 documents");
  }

  @Test
  void answersNotFoundForKindsNoPromiseOffers() {
    ProblemException e = problem(() -> plan(request("x", "{requester: a}")));

    assertThat(e.problem().status()).isEqualTo(404);
    assertThat(e.problem().detail()).contains("postgresql").contains("workshop.kratix.io/v1");
  }

  @Test
  void requiresApiVersionKindAndName() {
    ProblemException e = problem(() -> plan("metadata: {name: x}\nspec: {}"));

    assertThat(e.problem().status()).isEqualTo(422);
    assertThat(e.problem().errors()).extracting(FieldError::path).contains("/apiVersion", "/kind");
  }

  @Test
  void refusesAnApiAnotherPromiseAlreadyOffers() {
    planAndRecord(promiseYaml());

    ProblemException e =
        problem(
            () ->
                plan(
                    promiseYaml()
                        .replace("name: postgresql\n  namespace", "name: other\n  namespace")));

    assertThat(e.problem().errors())
        .extracting(FieldError::message)
        .anyMatch(m -> m.contains("already offered by Promise postgresql"));
  }

  @Test
  void refusesRemovingAPromiseApi() {
    planAndRecord(promiseYaml());
    ObjectNode withoutApi = (ObjectNode) docs(promiseYaml()).get(0);
    ((ObjectNode) withoutApi.get("spec")).remove("api");

    ProblemException e = problem(() -> ApplyPlanner.plan(List.of(withoutApi), view, "default"));

    assertThat(e.problem().errors()).extracting(FieldError::path).contains("/spec/api");
  }

  @Test
  void checksPipelinesAsKratixWebhookDoes() {
    String duplicate =
        promiseYaml()
            .replace(
                "                image: ghcr.io/syntasso/workshop/postgresql-configure-pipeline:v0.2.0\n",
                """
                                image: ghcr.io/syntasso/workshop/postgresql-configure-pipeline:v0.2.0
                        - apiVersion: platform.kratix.io/v1alpha1
                          kind: Pipeline
                          metadata: {name: instance-configure}
                          spec:
                            containers: [{name: c, image: ""}]
                        - kind: Pipeline
                          metadata: {name: a-pipeline-name-that-makes-the-pipeline-id-far-too-long}
                          spec: {containers: []}
                """);

    ProblemException e = problem(() -> plan(duplicate));

    assertThat(e.problem().errors())
        .extracting(FieldError::path, FieldError::message)
        .anySatisfy(
            t ->
                assertThat(t.toList())
                    .containsExactly(
                        "/spec/workflows/resource/configure/1/metadata/name",
                        "duplicate pipeline name instance-configure"))
        .anySatisfy(
            t ->
                assertThat(t.toList().get(0))
                    .isEqualTo("/spec/workflows/resource/configure/1/spec/containers/0/image"))
        .anySatisfy(t -> assertThat(t.toList().get(1).toString()).contains("longer than 60"))
        .anySatisfy(
            t ->
                assertThat(t.toList().get(0))
                    .isEqualTo("/spec/workflows/resource/configure/2/spec/containers"));
  }

  @Test
  void destinationFilepathModeIsImmutable() {
    String destination =
        """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Destination
        metadata: {name: worker-1}
        spec:
          path: worker-1
          stateStoreRef: {kind: GitStateStore, name: default}
          filepath: {mode: %s}
        """;
    Change.DestinationChange created =
        (Change.DestinationChange) plan(destination.formatted("nestedByMetadata")).get(0);
    view.applyReplayed(
        CODEC.event(
            EventType.DESTINATION_APPLIED,
            "worker-1",
            new DestinationApplied("Destination", "worker-1", created.document())));

    ProblemException e = problem(() -> plan(destination.formatted("aggregatedYAML")));

    assertThat(created.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(e.problem().errors())
        .extracting(FieldError::path)
        .containsExactly("/spec/filepath/mode");
    assertThat(plan(destination.formatted("nestedByMetadata")).get(0).outcome())
        .isEqualTo(Outcome.UNCHANGED);
  }

  @Test
  void stateStoresNeedTheirLocation() {
    ProblemException e =
        problem(
            () ->
                plan(
                    """
                    apiVersion: platform.kratix.io/v1alpha1
                    kind: BucketStateStore
                    metadata: {name: s3}
                    spec: {path: a/../../b}
                    """));

    assertThat(e.problem().errors())
        .extracting(FieldError::path)
        .containsExactlyInAnyOrder("/spec/bucketName", "/spec/endpoint", "/spec/path");
  }

  @Test
  void labelsMustBeStrings() {
    planAndRecord(promiseYaml());

    assertThatThrownBy(
            () ->
                plan(
                    """
                    apiVersion: workshop.kratix.io/v1
                    kind: postgresql
                    metadata: {name: x, labels: {tier: 1}}
                    spec: {requester: a}
                    """))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e ->
                assertThat(e.problem().errors())
                    .extracting(FieldError::path)
                    .containsExactly("/metadata/labels/tier"));
  }

  static String policy(String rule) {
    return """
        apiVersion: pledge.io/v1alpha1
        kind: NotificationPolicy
        metadata: {name: billing, namespace: team-a, labels: {team: platform}}
        spec:
          rules: [%s]
        """
        .formatted(rule);
  }

  @Test
  void aPolicyIsClusterScopedAndCarriesItsGeneration() {
    Change.PolicyChange change =
        (Change.PolicyChange) plan(policy("{events: [created], channel: billing}")).get(0);

    assertThat(change.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(change.entry().generation()).isEqualTo(1);
    assertThat(change.entry().document().at("/metadata/namespace").isMissingNode()).isTrue();
    assertThat(change.entry().document().at("/metadata/generation").asLong()).isEqualTo(1);
    assertThat(change.summary().namespace()).isNull();
    assertThat(ApplyPlanner.subjectOf(docs(policy("{}")).get(0), view, "default"))
        .contains("billing");
  }

  @Test
  void aLaterPolicyDocumentInTheSameBodySeesTheEarlierOne() {
    String first = policy("{events: [created], channel: billing}");
    String second = policy("{events: [created, deleted], channel: billing}");

    List<Change> changes = plan(first + "---\n" + first + "---\n" + second);

    assertThat(changes)
        .extracting(c -> ((Change.PolicyChange) c).entry().generation())
        .containsExactly(1L, 1L, 2L);
    assertThat(changes)
        .extracting(Change::outcome)
        .containsExactly(Outcome.CREATED, Outcome.UNCHANGED, Outcome.CONFIGURED);
  }

  @Test
  void unknownPolicyFieldsAreRejectedOrPrunedAsConfigured() {
    String typo = policy("{events: [created], channel: billing, colour: red}");
    ProblemException rejected = problem(() -> plan(typo));
    assertThat(rejected.problem().errors())
        .extracting(FieldError::path)
        .containsExactly("/spec/rules/0/colour");

    IntakeView pruning = new IntakeView(false);
    Change.PolicyChange pruned =
        (Change.PolicyChange) ApplyPlanner.plan(docs(typo), pruning, "default").get(0);
    assertThat(pruned.entry().document().at("/spec/rules/0").has("colour")).isFalse();
    assertThat(pruned.entry().document().at("/spec/rules/0/channel").asText()).isEqualTo("billing");
  }
}
