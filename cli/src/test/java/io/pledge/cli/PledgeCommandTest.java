package io.pledge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PledgeCommandTest {

  static final String RESOURCE = "/api/v1/resources/default/postgresql/example";

  @TempDir Path dir;
  StubIntake intake;
  StringWriter out;
  StringWriter err;
  Map<String, String> env;
  String stdin = "";

  @BeforeEach
  void start() throws IOException {
    intake = new StubIntake();
    out = new StringWriter();
    err = new StringWriter();
    env = new HashMap<>();
    env.put("PLEDGE_SERVER", intake.url());
  }

  @AfterEach
  void stop() {
    intake.close();
  }

  int pledge(String... args) {
    CliContext context =
        new CliContext(
            new PrintWriter(out),
            new PrintWriter(err),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            env,
            dir);
    return PledgeCommand.run(context, args);
  }

  @Test
  void applyPostsTheYamlWithTheBearerToken() throws IOException {
    String yaml =
        "apiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata:\n  name: postgresql\n";
    Files.writeString(dir.resolve("promise.yaml"), yaml);
    intake.answer(
        "POST /api/v1/apply",
        200,
        "application/json",
        "[{\"kind\":\"Promise\",\"name\":\"postgresql\",\"generation\":1,\"outcome\":\"created\"}]");

    int code = pledge("--token", "s3cret", "apply", "-f", "promise.yaml");

    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo("promise/postgresql created\n");
    StubIntake.Received post = intake.received.get(0);
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.header("Content-Type")).isEqualTo("application/yaml");
    assertThat(post.header("Authorization")).isEqualTo("Bearer s3cret");
    assertThat(post.body()).isEqualTo(yaml);
  }

  @Test
  void applyReadsStandardInputAndTheTokenOfPledgeHome() throws IOException {
    Files.createDirectories(dir.resolve("home"));
    Files.writeString(dir.resolve("home/admin.token"), "from-file\n");
    env.put("PLEDGE_HOME", "home");
    stdin = "apiVersion: workshop.kratix.io/v1alpha1\nkind: postgresql\n";
    intake.answer(
        "POST /api/v1/apply",
        200,
        "application/json",
        "[{\"kind\":\"postgresql\",\"name\":\"example\",\"namespace\":\"default\",\"outcome\":\"unchanged\"}]");

    int code = pledge("apply", "-f", "-");

    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo("postgresql/example unchanged\n");
    assertThat(intake.received.get(0).header("Authorization")).isEqualTo("Bearer from-file");
    assertThat(intake.received.get(0).body()).isEqualTo(stdin);
  }

  @Test
  void applyOfADirectoryPostsEachManifestInNameOrderAndItsSubdirectoriesWithR() throws IOException {
    Path manifests = Files.createDirectories(dir.resolve("example/pipeline"));
    Files.writeString(dir.resolve("example/request.yaml"), "kind: b\n");
    Files.writeString(dir.resolve("example/promise.yml"), "kind: a\n");
    Files.writeString(dir.resolve("example/README.md"), "not a manifest\n");
    Files.writeString(manifests.resolve("extra.json"), "{\"kind\": \"c\"}");
    intake.answer("POST /api/v1/apply", 200, "application/json", "[]");

    assertThat(pledge("apply", "-f", "example")).isZero();
    assertThat(intake.received)
        .extracting(StubIntake.Received::body)
        .containsExactly("kind: a\n", "kind: b\n");

    intake.received.clear();
    assertThat(pledge("apply", "-R", "-f", "example/")).isZero();
    assertThat(intake.received)
        .extracting(StubIntake.Received::body)
        .containsExactly("{\"kind\": \"c\"}", "kind: a\n", "kind: b\n");
  }

  @Test
  void aDirectoryWithAFileThatIsNotYamlSendsNothingAndNamesTheFile() throws IOException {
    Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(
        dir.resolve("manifests/a-store.yaml"),
        "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\nmetadata: {name: s}\n");
    Files.writeString(dir.resolve("manifests/b-broken.yaml"), "kind: [unclosed\n");
    intake.answer("POST /api/v1/apply", 200, "application/json", "[]");

    int code = pledge("apply", "-f", "manifests");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("error: manifests/b-broken.yaml is not YAML or JSON, so no file was sent: ");
    assertThat(intake.received).isEmpty();
  }

  @Test
  void aPathThatIsNotThereIsOneLineWithExitCodeOne() {
    int code = pledge("apply", "-f", "examples/nope.yaml");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("error: the path \"examples/nope.yaml\" does not exist\n");
    assertThat(intake.received).isEmpty();
  }

  @Test
  void aServerDryRunAsksForTheRenderedFilesAndPrintsThemAsYaml() throws IOException {
    Files.writeString(dir.resolve("request.yaml"), "kind: postgresql\n");
    intake.answer(
        "POST /api/v1/apply",
        200,
        "application/json",
        "{\"key\":\"default/postgresql/example\",\"files\":[{\"path\":\"postgres.yaml\"}]}");

    int code = pledge("apply", "--dry-run=server", "-f", "request.yaml");

    assertThat(code).isZero();
    assertThat(intake.received.get(0).uri()).isEqualTo("/api/v1/apply?dryRun=true");
    assertThat(out.toString())
        .isEqualTo("key: default/postgresql/example\nfiles:\n- path: postgres.yaml\n");
    assertThat(pledge("apply", "--dry-run=client", "-f", "request.yaml")).isEqualTo(2);
  }

  @Test
  void getRendersRequestsAsAKubectlTable() {
    intake.answer(
        "GET /api/v1/resources/team-a/postgresql",
        200,
        "application/json",
        "{\"kind\":\"postgresqlList\",\"items\":["
            + resource(
                "example",
                "Resource requested",
                "True",
                "Reconciled",
                "Reconciled",
                "Succeeded",
                "3c1d2e4f00")
            + ","
            + resource(
                "second", "Pending", "Unknown", "Pending", "WorkflowPending", "Running", null)
            + "]}");

    int code = pledge("get", "postgresql", "-n", "team-a");

    assertThat(code).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "NAME      MESSAGE              STATUS\n"
                + "example   Resource requested   Reconciled\n"
                + "second    Pending              Pending\n");
    assertThat(intake.received.get(0).header("Accept")).isEqualTo("application/json");
  }

  @Test
  void getPromisesShowsStatusKindAndVersion() {
    intake.answer(
        "GET /api/v1/promises",
        200,
        "application/json",
        "{\"kind\":\"PromiseList\",\"items\":[{\"metadata\":{\"name\":\"postgresql\"},\"status\":"
            + "{\"status\":\"Available\",\"kind\":\"postgresql\",\"apiVersion\":\"workshop.kratix.io/v1alpha1\","
            + "\"version\":\"not-set\"}}]}");

    int code = pledge("get", "promises");

    assertThat(code).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "NAME         STATUS      KIND         API VERSION                   VERSION\n"
                + "postgresql   Available   postgresql   workshop.kratix.io/v1alpha1   not-set\n");
  }

  @Test
  void getDestinationsAndStateStoresShowsKratixsColumnsWithTheirReadiness() {
    intake.answer(
        "GET /api/v1/destinations",
        200,
        "application/json",
        "{\"kind\":\"DestinationList\",\"items\":[{\"metadata\":{\"name\":\"worker-1\"},"
            + "\"spec\":{\"stateStoreRef\":{\"kind\":\"GitStateStore\",\"name\":\"default\"}},"
            + "\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}},"
            + "{\"metadata\":{\"name\":\"new\"},"
            + "\"spec\":{\"stateStoreRef\":{\"kind\":\"BucketStateStore\",\"name\":\"s3\"}}}]}");
    intake.answer(
        "GET /api/v1/gitstatestores/default",
        200,
        "application/json",
        "{\"metadata\":{\"name\":\"default\"},\"spec\":{\"url\":\"https://git.example/state.git\"},"
            + "\"status\":{\"status\":\"NotReady\",\"conditions\":[{\"type\":\"Ready\","
            + "\"status\":\"False\",\"reason\":\"ErrorValidatingPermissions\"}]}}");

    assertThat(pledge("get", "dests")).isZero();
    assertThat(pledge("get", "gitstatestore", "default")).isZero();

    assertThat(out.toString())
        .isEqualTo(
            "NAME       STATESTOREKIND     STATESTORENAME   READY\n"
                + "worker-1   GitStateStore      default          True\n"
                + "new        BucketStateStore   s3\n"
                + "NAME      URL                             BRANCH   READY\n"
                + "default   https://git.example/state.git   main     False\n");
  }

  @Test
  void aProblemIsPrintedFieldByFieldWithExitCodeOne() throws IOException {
    Files.writeString(dir.resolve("bad.yaml"), "kind: postgresql\n");
    intake.answer(
        "POST /api/v1/apply",
        422,
        "application/problem+json",
        "{\"type\":\"https://pledge.io/problems/invalid\",\"title\":\"Invalid document\",\"status\":422,"
            + "\"detail\":\"1 field is invalid\",\"errors\":[{\"path\":\"/spec/size\","
            + "\"message\":\"must be one of small, medium, large\"}]}");

    int code = pledge("apply", "-f", "bad.yaml");

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .isEqualTo(
            "error: 422 Invalid document: 1 field is invalid"
                + System.lineSeparator()
                + "  /spec/size: must be one of small, medium, large\n");
  }

  @Test
  void anUnreachableServerExitsWithThree() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    int code = pledge("--server", "http://127.0.0.1:" + port, "get", "promises");

    assertThat(code).isEqualTo(3);
    assertThat(err.toString())
        .startsWith("error: cannot reach request-intake at http://127.0.0.1:" + port);
  }

  @Test
  void getWatchPrintsARowPerChangeWithTheSelectorAppliedUntilTheStreamEnds() {
    intake.eventsThenEnd(
        "GET /api/v1/promises/postgresql/resources",
        "ADDED",
        resource("a", "Pending", "Unknown", "Pending", "WorkflowPending", "Running", null),
        "ADDED",
        resource("other", "Pending", "Unknown", "Pending", "WorkflowPending", "Running", null)
            .replace("\"generation\":1}", "\"generation\":1,\"labels\":{\"team\":\"b\"}}"),
        "MODIFIED",
        resource(
            "a",
            "Resource requested",
            "True",
            "Reconciled",
            "Reconciled",
            "Succeeded",
            "3c1d2e4f00"),
        "DELETED",
        resource(
            "a",
            "Resource requested",
            "True",
            "Reconciled",
            "Reconciled",
            "Succeeded",
            "3c1d2e4f00"));

    int code = pledge("get", "postgresql", "-A", "-w", "-l", "team!=b");

    assertThat(code).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "NAMESPACE   NAME   MESSAGE   STATUS\n"
                + "default     a      Pending   Pending\n"
                + "default     a      Resource requested   Reconciled\n"
                + "default     a      Resource requested   Reconciled\n");
    assertThat(intake.received.get(0).uri())
        .isEqualTo("/api/v1/promises/postgresql/resources?watch=true");
    assertThat(intake.received.get(0).header("Accept")).isEqualTo("text/event-stream");

    assertThat(pledge("get", "promises", "-w")).isEqualTo(2);
    assertThat(err.toString()).contains("--watch follows a Promise's requests");
  }

  @Test
  void logsFollowPrintsEachContainerOnceAsItArrivesUntilTheRequestIsDeleted() {
    String a = "{\"pipeline\":\"p\",\"container\":\"a\",\"exitCode\":0,\"stdout\":\"made a\"}";
    String b =
        "{\"pipeline\":\"p\",\"container\":\"b\",\"exitCode\":0,\"stdout\":\"made b\","
            + "\"stderr\":\"warned\"}";
    String run1 =
        "{\"run\":1,\"workflowType\":\"resource\",\"action\":\"configure\",\"generation\":1,"
            + "\"containers\":[";
    String run2 =
        "{\"run\":2,\"workflowType\":\"resource\",\"action\":\"configure\",\"generation\":1,"
            + "\"containers\":[";
    intake.answers(
        "GET " + RESOURCE + "/logs",
        "application/json",
        "{\"runs\":[" + run1 + a + "]}]}",
        "{\"runs\":[" + run1 + a + "," + b + "]}]}",
        "{\"runs\":[" + run1 + a + "," + b + "]}," + run2 + a + "]}]}");
    String doc =
        resource("example", "Pending", "Unknown", "Pending", "WorkflowPending", "Running", null);
    intake.eventsThenEnd("GET " + RESOURCE, "ADDED", doc, "MODIFIED", doc, "DELETED", doc);

    int code = pledge("logs", "postgresql", "example", "-f");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "==> resource configure, generation 1, pipeline p, container a (exit 0) <==\nmade a\n"
                + "==> resource configure, generation 1, pipeline p, container b (exit 0) <==\n"
                + "made b\n--- stderr\nwarned\n"
                + "==> resource configure, generation 1, pipeline p, container a (exit 0) <==\n"
                + "made a\n");
    assertThat(intake.received)
        .extracting(StubIntake.Received::uri)
        .contains(RESOURCE + "?watch=true");
  }

  @Test
  void watchPrintsProgressAndEndsWhenTheRequestIsReconciled() {
    intake.events(
        "GET " + RESOURCE,
        "ADDED",
        resource("example", "Pending", "Unknown", "Pending", "WorkflowPending", "Running", null),
        "MODIFIED",
        resource("example", "Pending", "Unknown", "Pending", "WorkflowPending", "Running", null),
        "MODIFIED",
        resource(
            "example",
            "Resource requested",
            "Unknown",
            "Pending",
            "WorksPending",
            "Succeeded",
            null),
        "MODIFIED",
        resource(
            "example",
            "Resource requested",
            "True",
            "Reconciled",
            "Reconciled",
            "Succeeded",
            "3c1d2e4f00"));

    int code = pledge("watch", "postgresql", "example");

    assertThat(code).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "default/example: Pending  Reconciled=Unknown (WorkflowPending)  pipelines: instance-configure=Running\n"
                + "default/example: Resource requested  Reconciled=Unknown (WorksPending)  pipelines: instance-configure=Succeeded\n"
                + "default/example: Resource requested  Reconciled=True (Reconciled)  pipelines: instance-configure=Succeeded\n"
                + "postgresql default/example is Reconciled (generation 1): committed 3c1d2e4 to worker-1\n");
    assertThat(intake.received.get(0).uri()).isEqualTo(RESOURCE + "?watch=true");
    assertThat(intake.received.get(0).header("Accept")).isEqualTo("text/event-stream");
  }

  @Test
  void watchExitsOneWhenTheRequestFails() {
    String failing =
        resource(
                "example", "Pending", "False", "Failing", "ConfigureWorkflowFailed", "Failed", null)
            .replace(
                "\"pledge\":",
                "\"lastFailure\":{\"pipeline\":\"instance-configure\",\"container\":\"configure\","
                    + "\"exitCode\":2,\"reason\":\"bad size\"},\"pledge\":");
    intake.events("GET " + RESOURCE, "ADDED", failing);

    int code = pledge("watch", "postgresql", "example");

    assertThat(code).isEqualTo(1);
    assertThat(out.toString())
        .endsWith(
            "postgresql default/example is Failing: pipeline instance-configure, container configure"
                + " exited with 2: bad size\n");
  }

  @Test
  void watchWaitsPastTheLastRunsFailureWhileANewRunIsUnderWay() {
    String failed =
        resource(
            "example", "Pending", "False", "Failing", "ConfigureWorkflowFailed", "Failed", null);
    // The fix was applied: a new run started, Reconciled still shows the last run's failure.
    String rerun =
        failed.replace(
            "\"conditions\":[",
            "\"conditions\":[{\"type\":\"ConfigureWorkflowCompleted\",\"status\":\"False\","
                + "\"reason\":\"PipelinesInProgress\",\"message\":\"Pipelines are still in progress\"},");
    intake.events(
        "GET " + RESOURCE,
        "ADDED",
        rerun,
        "MODIFIED",
        resource(
            "example",
            "Resource requested",
            "True",
            "Reconciled",
            "Reconciled",
            "Succeeded",
            "3c1d2e4"));

    int code = pledge("watch", "postgresql", "example");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("is Reconciled (generation 1)");
  }

  @Test
  void aCallRegistersOnlyTheCommandItNamesAndUsageListsThemAll() {
    CliContext context =
        new CliContext(new PrintWriter(out), new PrintWriter(err), System.in, env, dir);

    assertThat(
            PledgeCommand.commandLine(context, List.of("--server", "http://x", "get", "promises"))
                .getSubcommands())
        .containsOnlyKeys("get");
    assertThat(PledgeCommand.subcommandNamed(List.of("--context=dev", "describe", "x")))
        .contains(DescribeCommand.class);
    assertThat(PledgeCommand.subcommandNamed(List.of("--help", "get"))).isEmpty();
    assertThat(PledgeCommand.commandLine(context, List.of("gt")).getSubcommands())
        .hasSize(PledgeCommand.SUBCOMMANDS.size());

    assertThat(pledge()).isZero();
    assertThat(out.toString()).contains("apply", "get", "explain", "image", "completion");
    assertThat(pledge("--server", intake.url(), "help", "get")).isZero();
    assertThat(out.toString()).contains("Usage: pledge get");
  }

  @Test
  void completionPrintsABashScriptThatKnowsTheCommandsAndTheirOptions() {
    assertThat(pledge("completion", "bash")).isZero();

    assertThat(out.toString())
        .contains("complete -F _complete_pledge")
        .contains("apply")
        .contains("--dry-run")
        .contains("delete");
    assertThat(pledge("completion", "fish")).isEqualTo(2);
  }

  @Test
  void reconcilePostsToTheRequestsReconcileAndSaysAtWhichGeneration() {
    intake.answer(
        "POST " + RESOURCE + "/reconcile",
        202,
        "application/json",
        "{\"kind\":\"postgresql\",\"name\":\"example\",\"generation\":3,\"outcome\":\"reconciling\"}");

    assertThat(pledge("reconcile", "postgresql", "example")).isZero();

    assertThat(out.toString()).isEqualTo("postgresql \"example\" reconciling at generation 3\n");
    assertThat(intake.received.get(0).method()).isEqualTo("POST");
  }

  @Test
  void waitIsQuietUntilTheConditionHoldsForTheCurrentGeneration() {
    String stale =
        resource("example", "Pending", "True", "Reconciled", "Reconciled", "Running", null);
    // generation 2 applied, observedGeneration still 1: the True is the last generation's
    stale = stale.replace("\"generation\":1}", "\"generation\":2}");
    String current =
        resource(
                "example",
                "Resource requested",
                "True",
                "Reconciled",
                "Reconciled",
                "Succeeded",
                null)
            .replace("\"generation\":1}", "\"generation\":2}")
            .replace("\"observedGeneration\":1", "\"observedGeneration\":2");
    intake.events("GET " + RESOURCE, "ADDED", stale, "MODIFIED", current);

    int code =
        pledge("wait", "postgresql", "example", "--for=condition=Reconciled", "--timeout=20s");

    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo("postgresql/example condition met\n");
  }

  @Test
  void waitGivesUpAfterItsTimeoutAndWaitsForADelete() {
    String pending =
        resource("example", "Pending", "Unknown", "Pending", "WorkflowPending", "Running", null);
    intake.events("GET " + RESOURCE, "ADDED", pending);

    int code =
        pledge("wait", "postgresql", "example", "--for=condition=Reconciled", "--timeout=1s");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("error: timed out waiting for the condition on postgresql/example\n");
    assertThat(pledge("watch", "postgresql", "example", "--timeout", "1")).isEqualTo(1);
    assertThat(err.toString()).endsWith("error: postgresql default/example not settled after 1s\n");
    assertThat(pledge("wait", "postgresql", "example", "--for=ready")).isEqualTo(2);
    assertThat(pledge("wait", "postgresql", "example", "--for=delete", "--timeout=5d"))
        .isEqualTo(2);
  }

  @Test
  void getPoliciesNamesAndWideAndApiResources() {
    intake.answer(
        "GET /api/v1/notificationpolicies",
        200,
        "application/json",
        "{\"items\":[{\"kind\":\"NotificationPolicy\",\"metadata\":{\"name\":\"team-a\"},"
            + "\"spec\":{\"promise\":\"postgresql\",\"rules\":[{},{}]}}]}");
    intake.answer(
        "GET /api/v1/promises",
        200,
        "application/json",
        "{\"items\":[{\"kind\":\"Promise\",\"metadata\":{\"name\":\"postgresql\"},"
            + "\"spec\":{\"api\":{\"spec\":{\"names\":{\"plural\":\"postgresqls\",\"shortNames\":[\"pg\"]}}}},"
            + "\"status\":{\"status\":\"Available\",\"kind\":\"postgresql\","
            + "\"apiVersion\":\"workshop.kratix.io/v1alpha1\",\"version\":\"v1\",\"message\":\"Promise configured\","
            + "\"workflows\":1,\"workflowsSucceeded\":1,\"workflowsFailed\":0}}]}");

    assertThat(pledge("get", "notificationpolicies")).isZero();
    assertThat(pledge("get", "promises", "-o", "name")).isZero();
    assertThat(pledge("get", "promises", "-o", "wide")).isZero();
    assertThat(pledge("api-resources")).isZero();

    assertThat(out.toString())
        .isEqualTo(
            "NAME     PROMISE      RULES\n"
                + "team-a   postgresql   2\n"
                + "promise/postgresql\n"
                + "NAME         STATUS      KIND         API VERSION                   VERSION   MESSAGE"
                + "              WORKFLOWS\n"
                + "postgresql   Available   postgresql   workshop.kratix.io/v1alpha1   v1        Promise"
                + " configured   1/1\n"
                + "NAME                   SHORTNAMES   APIVERSION                    NAMESPACED   KIND\n"
                + "promises                            platform.kratix.io/v1alpha1   false        Promise\n"
                + "destinations           dest,dests   platform.kratix.io/v1alpha1   false        Destination\n"
                + "gitstatestores                      platform.kratix.io/v1alpha1   false        GitStateStore\n"
                + "bucketstatestores                   platform.kratix.io/v1alpha1   false        BucketStateStore\n"
                + "notificationpolicies                pledge.io/v1alpha1            false        NotificationPolicy\n"
                + "postgresqls            pg           workshop.kratix.io/v1alpha1   true         postgresql\n");
  }

  private static final String TWO_REQUESTS =
      "{\"kind\":\"postgresqlList\",\"items\":["
          + "{\"kind\":\"postgresql\",\"metadata\":{\"name\":\"a\",\"labels\":{\"team\":\"x\",\"tier\":\"db\"}},"
          + "\"status\":{\"message\":\"ok\"}},"
          + "{\"kind\":\"postgresql\",\"metadata\":{\"name\":\"b\",\"labels\":{\"team\":\"y\"}},"
          + "\"status\":{\"message\":\"waiting\"}}]}";

  @Test
  void getFiltersByLabelSelectorAndPrintsJsonPath() {
    intake.answer(
        "GET /api/v1/resources/default/postgresql", 200, "application/json", TWO_REQUESTS);

    assertThat(pledge("get", "postgresql", "-l", "team=x", "-o", "name")).isZero();
    assertThat(pledge("get", "postgresql", "-l", "tier", "-o", "name")).isZero();
    assertThat(pledge("get", "postgresql", "-l", "team!=x,!tier", "-o", "name")).isZero();
    assertThat(
            pledge(
                "get",
                "postgresql",
                "-o",
                "jsonpath={range .items[*]}{.metadata.name}={.status.message}{\"\\n\"}{end}"))
        .isZero();
    assertThat(pledge("get", "postgresql", "-o", "jsonpath={.items[*].metadata.name}")).isZero();

    assertThat(out.toString())
        .isEqualTo("postgresql/a\npostgresql/a\npostgresql/b\na=ok\nb=waiting\na b");
  }

  @Test
  void getAllNamespacesListsThePromisesRequestsWithTheirNamespace() {
    intake.answer(
        "GET /api/v1/promises/postgresql/resources",
        200,
        "application/json",
        TWO_REQUESTS
            .replace("\"name\":\"a\"", "\"name\":\"a\",\"namespace\":\"team-a\"")
            .replace("\"name\":\"b\"", "\"name\":\"b\",\"namespace\":\"team-b\""));

    assertThat(pledge("get", "postgresql", "-A")).isZero();
    assertThat(pledge("get", "postgresql", "example", "-A")).isEqualTo(2);

    assertThat(out.toString())
        .isEqualTo(
            "NAMESPACE   NAME   MESSAGE   STATUS\n"
                + "team-a      a      ok        Pending\n"
                + "team-b      b      waiting   Pending\n");
  }

  @Test
  void aSelectorOrTemplateThatCannotBeReadIsAUsageError() {
    assertThat(pledge("get", "postgresql", "-l", "team=x,,y")).isEqualTo(2);
    assertThat(pledge("get", "postgresql", "-o", "jsonpath={range .items[*]}{.a}")).isEqualTo(2);
    assertThat(pledge("get", "postgresql", "-o", "jsonpath={.a")).isEqualTo(2);
    assertThat(intake.received).isEmpty();
  }

  private static final String POSTGRES_PROMISE =
      "{\"items\":[{\"kind\":\"Promise\",\"metadata\":{\"name\":\"postgresql\"},"
          + "\"spec\":{\"api\":{\"spec\":{\"group\":\"workshop.kratix.io\","
          + "\"names\":{\"kind\":\"postgresql\",\"plural\":\"postgresqls\"},"
          + "\"versions\":[{\"name\":\"v1\",\"storage\":true,\"schema\":{\"openAPIV3Schema\":"
          + "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\","
          + "\"required\":[\"requester\"],\"properties\":{"
          + "\"size\":{\"type\":\"string\",\"description\":\"how big\","
          + "\"enum\":[\"small\",\"large\"],\"default\":\"small\"},"
          + "\"requester\":{\"type\":\"string\"},"
          + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}}}}}]}}}}]}";

  @Test
  void explainShowsARequestKindsFieldsFromItsPromisesSchema() {
    intake.answer("GET /api/v1/promises", 200, "application/json", POSTGRES_PROMISE);

    assertThat(pledge("explain", "postgresqls.spec")).isZero();
    assertThat(out.toString())
        .startsWith("GROUP:      workshop.kratix.io\nKIND:       postgresql\nVERSION:    v1\n")
        .contains("FIELD: spec <Object>\n")
        .contains("  size\t<string>\n    how big\n")
        .contains("  requester\t<string> -required-\n")
        .contains("  tags\t<[]string>\n");
    out.getBuffer().setLength(0);

    assertThat(pledge("explain", "postgresql.spec.size")).isZero();
    assertThat(out.toString())
        .contains("FIELD: size <string>\n")
        .contains("ENUM:\n    small, large\n")
        .contains("DEFAULT:\n    small\n");

    assertThat(pledge("explain", "postgresql.spec.colour")).isEqualTo(1);
    assertThat(pledge("explain", "redis")).isEqualTo(1);
    assertThat(err.toString())
        .contains("field \"colour\" does not exist in postgresql.spec")
        .contains("no Promise offers a kind named redis");
  }

  @Test
  void contextsInTheConfigFileChooseTheServerAndTokenAsKubeconfigDoes() throws IOException {
    env.remove("PLEDGE_SERVER");
    env.put("HOME", dir.resolve("home").toString());
    intake.answer("GET /api/v1/promises", 200, "application/json", "{\"items\":[]}");

    assertThat(pledge("config", "set-context", "dev", "--server", intake.url(), "--token", "t-dev"))
        .isZero();
    assertThat(pledge("config", "set-context", "prod", "--server", "http://127.0.0.1:1")).isZero();
    assertThat(pledge("config", "current-context")).isZero();
    assertThat(pledge("get", "promises")).isZero(); // the current context: dev, the first one
    assertThat(pledge("config", "use-context", "prod")).isZero();
    assertThat(pledge("config", "get-contexts")).isZero();
    assertThat(pledge("--context", "dev", "get", "promises")).isZero();
    assertThat(pledge("get", "promises")).isEqualTo(3); // prod: nothing listens there

    assertThat(out.toString())
        .startsWith(
            "Context \"dev\" set.\nContext \"prod\" set.\ndev\nSwitched to context \"prod\".\n"
                + "CURRENT   NAME   SERVER\n"
                + "          dev    "
                + intake.url()
                + "\n*         prod   http://127.0.0.1:1\n");
    assertThat(intake.received)
        .hasSize(2)
        .allMatch(r -> "Bearer t-dev".equals(r.header("Authorization")));
    Path config = dir.resolve("home/.pledge/config");
    assertThat(Files.readString(config)).contains("current-context: prod").contains("t-dev");
    assertThat(java.nio.file.Files.getPosixFilePermissions(config))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(pledge("config", "use-context", "staging")).isEqualTo(1);
    assertThat(pledge("--context", "staging", "get", "promises")).isEqualTo(1);
    assertThat(err.toString()).contains("error: no context exists with the name: \"staging\"\n");
  }

  @Test
  void describeOfAStateStoreShowsItsSpecAndReadyCondition() {
    intake.answer(
        "GET /api/v1/gitstatestores/default",
        200,
        "application/json",
        "{\"apiVersion\":\"platform.kratix.io/v1alpha1\",\"kind\":\"GitStateStore\","
            + "\"metadata\":{\"name\":\"default\"},\"spec\":{\"url\":\"https://git.example/s.git\","
            + "\"branch\":\"main\"},\"status\":{\"status\":\"NotReady\",\"conditions\":[{\"type\":"
            + "\"Ready\",\"status\":\"False\",\"reason\":\"ErrorValidatingPermissions\",\"message\":"
            + "\"push refused\",\"lastTransitionTime\":\"2026-12-07T06:00:00Z\"}]}}");

    assertThat(pledge("describe", "gitstatestore", "default")).isZero();

    assertThat(out.toString())
        .isEqualTo(
            "Name:          default\n"
                + "API Version:   platform.kratix.io/v1alpha1\n"
                + "Kind:          GitStateStore\n"
                + "Status:        NotReady\n"
                + "Spec:\n"
                + "  url: https://git.example/s.git\n"
                + "  branch: main\n"
                + "Conditions:\n"
                + "  TYPE    STATUS   REASON                       MESSAGE        LAST TRANSITION\n"
                + "  Ready   False    ErrorValidatingPermissions   push refused   2026-12-07T06:00:00Z\n");
  }

  @Test
  void describeShowsConditionsPipelinesDestinationsAndCommits() {
    intake.answer(
        "GET " + RESOURCE,
        200,
        "application/json",
        resource(
            "example",
            "Resource requested",
            "True",
            "Reconciled",
            "Reconciled",
            "Succeeded",
            "3c1d2e4f00"));

    int code = pledge("describe", "postgresql", "example");

    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("Name:          example\n")
        .contains("Status:        Reconciled\n")
        .contains("Generation:    1 (observed 1)\n")
        .containsPattern("  Reconciled +True +Reconciled +Reconciled")
        .containsPattern("  instance-configure +Succeeded")
        .containsPattern(
            "  worker-1 +instance-configure +5058f +Committed +GitStateStore/default +3c1d2e4f00")
        .contains(
            "  worker-1: worker-1/resources/default/postgresql/example/instance-configure/5058f/db.yaml\n");
  }

  @Test
  void describeShowsTheComponentsOfACompoundRequestAsATree() {
    String app =
        resource("shop", "ok", "True", "Reconciled", "Reconciled", "Succeeded", "3c1d2e4f00")
            .replace(
                "\"pledge\":{\"generation\":1}",
                "\"pledge\":{\"generation\":1,\"components\":[{\"promise\":\"backend\","
                    + "\"namespace\":\"default\",\"name\":\"shop-backend\",\"generation\":2,"
                    + "\"status\":\"Reconciled\",\"components\":[{\"promise\":\"postgresql\","
                    + "\"namespace\":\"default\",\"name\":\"shop-backend-db\",\"generation\":1,"
                    + "\"status\":\"Pending\"}]}]}");
    intake.answer("GET " + RESOURCE, 200, "application/json", app);

    assertThat(pledge("describe", "postgresql", "example")).isZero();

    assertThat(out.toString())
        .contains(
            "Components:\n"
                + "  backend default/shop-backend (generation 2): Reconciled\n"
                + "    postgresql default/shop-backend-db (generation 1): Pending\n");
  }

  @Test
  void logsAndDeleteAddressTheRequest() {
    intake.answer("GET " + RESOURCE + "/logs", 200, "text/plain", "== configure ==\nhello\n");
    intake.answer("DELETE " + RESOURCE, 202, "application/json", "");

    assertThat(pledge("logs", "postgresql", "example", "--pipeline", "instance-configure"))
        .isZero();
    assertThat(pledge("delete", "postgresql", "example")).isZero();

    assertThat(out.toString())
        .isEqualTo("== configure ==\nhello\npostgresql \"example\" deleted\n");
    assertThat(intake.received.get(0).uri())
        .isEqualTo(RESOURCE + "/logs?pipeline=instance-configure");
    assertThat(intake.received.get(0).header("Accept")).isEqualTo("text/plain");
    assertThat(intake.received.get(1).method()).isEqualTo("DELETE");
  }

  @Test
  void diffShowsWhatApplyWouldChangeNotDefaultsStatusOrServerLabels() throws IOException {
    String promises =
        "{\"items\":[{\"metadata\":{\"name\":\"postgresql\"},"
            + "\"status\":{\"kind\":\"postgresql\",\"apiVersion\":\"workshop.kratix.io/v1\"}}]}";
    intake.answer("GET /api/v1/promises", 200, "application/json", promises);
    intake.answer(
        "GET /api/v1/promises/postgresql",
        200,
        "application/json",
        POSTGRES_PROMISE.substring("{\"items\":[".length(), POSTGRES_PROMISE.length() - 2));
    // Live: the default filled in, intake's own label, a status, keys in another order.
    intake.answer(
        "GET /api/v1/resources/default/postgresql/example",
        200,
        "application/json",
        "{\"kind\":\"postgresql\",\"apiVersion\":\"workshop.kratix.io/v1\","
            + "\"metadata\":{\"name\":\"example\",\"namespace\":\"default\",\"generation\":3,"
            + "\"labels\":{\"kratix.io/promise-name\":\"postgresql\",\"team\":\"a\"}},"
            + "\"spec\":{\"requester\":\"ana\",\"size\":\"small\"},"
            + "\"status\":{\"message\":\"Resource requested\"}}");
    String unchanged =
        "apiVersion: workshop.kratix.io/v1\nkind: postgresql\n"
            + "metadata: {name: example, labels: {team: a}}\nspec: {requester: ana}\n";
    Files.writeString(dir.resolve("same.yaml"), unchanged);
    Files.writeString(
        dir.resolve("changed.yaml"),
        unchanged.replace("{requester: ana}", "{requester: ana, size: large}")
            + "---\napiVersion: workshop.kratix.io/v1\nkind: postgresql\n"
            + "metadata: {name: fresh}\nspec: {requester: bo}\n");

    assertThat(pledge("diff", "-f", "same.yaml")).as(out + "/" + err).isZero();
    assertThat(out.toString()).isEmpty();

    assertThat(pledge("diff", "-f", "changed.yaml")).as(err.toString()).isEqualTo(1);
    assertThat(out.toString())
        .contains("--- live/postgresql/example\n+++ merged/postgresql/example\n")
        .contains("-  size: small\n+  size: large\n")
        .doesNotContain("promise-name")
        .contains("+++ merged/postgresql/fresh\n")
        .contains("+  requester: bo\n+  size: small\n");

    Files.writeString(
        dir.resolve("unserved.yaml"), "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t}\n");
    assertThat(pledge("diff", "-f", "unserved.yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("thing/t: no Promise serves this kind");
  }

  @Test
  void deleteOfAFileDeletesItsObjectsLastDocumentFirstAndGoesOnPastAMissingOne()
      throws IOException {
    Files.writeString(
        dir.resolve("example.yaml"),
        "apiVersion: platform.kratix.io/v1alpha1\nkind: GitStateStore\nmetadata: {name: default}\n"
            + "---\napiVersion: platform.kratix.io/v1alpha1\nkind: Promise\n"
            + "metadata: {name: postgresql}\n"
            + "---\napiVersion: workshop.kratix.io/v1alpha1\nkind: postgresql\n"
            + "metadata: {name: example, namespace: team-a}\n"
            + "---\napiVersion: marketplace.kratix.io/v1\nkind: Unserved\nmetadata: {name: x}\n");
    intake.answer(
        "GET /api/v1/promises",
        200,
        "application/json",
        "{\"items\":[{\"metadata\":{\"name\":\"postgresql\"},"
            + "\"status\":{\"kind\":\"postgresql\",\"apiVersion\":\"workshop.kratix.io/v1alpha1\"}}]}");
    intake.answer(
        "DELETE /api/v1/resources/team-a/postgresql/example", 202, "application/json", "");
    intake.answer("DELETE /api/v1/promises/postgresql", 202, "application/json", "[]");
    // The store is not answered: 404 from the stub.

    int code = pledge("delete", "-f", "example.yaml");

    assertThat(code).isEqualTo(1);
    assertThat(intake.received)
        .filteredOn(r -> r.method().equals("DELETE"))
        .extracting(StubIntake.Received::uri)
        .containsExactly(
            "/api/v1/resources/team-a/postgresql/example",
            "/api/v1/promises/postgresql",
            "/api/v1/gitstatestores/default");
    assertThat(out.toString())
        .isEqualTo("postgresql/example deleted\npromise/postgresql deleted\n");
    assertThat(err.toString())
        .isEqualTo(
            "error: unserved/x: no Promise serves this kind\n"
                + "error: gitstatestore/default: 404 Not Found\n");
    assertThat(pledge("delete", "postgresql")).isEqualTo(2);

    intake.answer("DELETE /api/v1/destinations/worker-1", 200, "application/json", "{}");
    assertThat(pledge("delete", "destination", "worker-1")).isZero();
    assertThat(pledge("delete", "promise", "postgresql")).isZero();
    assertThat(intake.received)
        .filteredOn(r -> r.method().equals("DELETE"))
        .extracting(StubIntake.Received::uri)
        .endsWith("/api/v1/destinations/worker-1", "/api/v1/promises/postgresql");
  }

  @Test
  void anUnknownResourceIsNotFound() {
    int code = pledge("describe", "postgresql", "missing");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: 404 Not Found");
  }

  /** A request document with status, as request-intake renders it. */
  static String resource(
      String name,
      String message,
      String reconciled,
      String reconciledMessage,
      String reason,
      String phase,
      String commit) {
    String destinations =
        commit == null
            ? "[]"
            : "[{\"name\":\"worker-1\",\"pipeline\":\"instance-configure\",\"workloadGroupId\":\"5058f\","
                + "\"stateStore\":\"GitStateStore/default\",\"commit\":\""
                + commit
                + "\",\"paths\":[\"worker-1/resources/default/postgresql/example/instance-configure/5058f/db.yaml\"],"
                + "\"state\":\"Committed\"}]";
    return "{\"apiVersion\":\"workshop.kratix.io/v1alpha1\",\"kind\":\"postgresql\","
        + "\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\"default\",\"generation\":1},\"spec\":{\"size\":\"small\"},"
        + "\"status\":{\"message\":\""
        + message
        + "\""
        + ("True".equals(reconciled) ? ",\"observedGeneration\":1" : "")
        + ",\"conditions\":[{\"type\":\"Reconciled\",\"status\":\""
        + reconciled
        + "\",\"reason\":\""
        + reason
        + "\",\"message\":\""
        + reconciledMessage
        + "\"}],\"kratix\":{\"workflows\":{\"pipelines\":[{\"name\":\"instance-configure\",\"phase\":\""
        + phase
        + "\"}]}},\"destinations\":"
        + destinations
        + ",\"pledge\":{\"generation\":1}}}";
  }
}
