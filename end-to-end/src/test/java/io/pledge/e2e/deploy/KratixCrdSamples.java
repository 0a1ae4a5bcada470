package io.pledge.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Documents for {@link KratixCrdSchemaTest}: statuses Pledge writes, and what Kratix refuses. */
final class KratixCrdSamples {

  static final YAMLMapper YAML = new YAMLMapper();

  private KratixCrdSamples() {}

  static final String CONDITION =
      """
      {type: Ready, status: "True", reason: StateStoreReady, message: State store is ready,
       lastTransitionTime: "2026-12-07T05:00:00.123456789Z", observedGeneration: 2}""";

  /**
   * The status shapes Pledge writes back: a state store's (status, observedGeneration, a Ready
   * condition), a Destination's (conditions) and a Promise's as request-intake renders it
   * (StatusRenderer.promise), with fields Kratix does not declare.
   */
  static final List<String> STATUSES =
      List.of(
          """
          apiVersion: platform.kratix.io/v1alpha1
          kind: GitStateStore
          metadata: {name: default}
          spec: {url: "https://git.example/state.git", branch: main}
          status: {status: Ready, observedGeneration: 2, conditions: [%s]}
          """
              .formatted(CONDITION),
          """
          apiVersion: platform.kratix.io/v1alpha1
          kind: BucketStateStore
          metadata: {name: minio}
          spec: {bucketName: kratix, endpoint: "minio.example:9000", insecure: true}
          status:
            status: NotReady
            conditions:
              - {type: Ready, status: "False", reason: SecretNotFound,
                 message: Secret minio-creds not found in namespace default,
                 lastTransitionTime: "2026-12-07T05:00:00Z"}
          """,
          """
          apiVersion: platform.kratix.io/v1alpha1
          kind: Destination
          metadata: {name: worker-1}
          spec: {path: worker-1, stateStoreRef: {kind: GitStateStore, name: default}}
          status: {conditions: [%s]}
          """
              .formatted(CONDITION),
          """
          apiVersion: platform.kratix.io/v1alpha1
          kind: Promise
          metadata: {name: postgresql}
          spec: {}
          status:
            status: Available
            message: Ready to fulfil resource requests
            observedGeneration: 3
            kind: PostgreSQL
            apiVersion: marketplace.kratix.io/v1alpha1
            version: not-set
            conditions:
              - {type: Available, status: "True", reason: PromiseAvailable,
                 message: Ready to fulfil resource requests, lastTransitionTime: "2026-12-07T05:00:00Z"}
            kratix:
              workflows:
                pipelines:
                  - {name: promise-configure, phase: Succeeded, lastTransitionTime: "2026-12-07T05:00:00Z"}
            destinations:
              - {name: worker-1, pipeline: promise-configure, workloadGroupId: abc, paths: [a.yaml]}
            lastFailure: {pipeline: promise-configure, message: exit 1}
          """);

  static final String DESTINATION =
      """
      apiVersion: platform.kratix.io/v1alpha1
      kind: Destination
      metadata: {name: worker-1}
      """;
  static final String GIT =
      """
      apiVersion: platform.kratix.io/v1alpha1
      kind: GitStateStore
      metadata: {name: default}
      """;
  static final String BUCKET =
      """
      apiVersion: platform.kratix.io/v1alpha1
      kind: BucketStateStore
      metadata: {name: minio}
      """;
  static final String PROMISE =
      """
      apiVersion: platform.kratix.io/v1alpha1
      kind: Promise
      metadata: {name: postgresql}
      """;
  static final String REF = "stateStoreRef: {kind: GitStateStore, name: default}";

  /** A reason, a document Kratix's CRDs refuse, and where the error must point. */
  static Stream<Arguments> refused() {
    return Stream.of(
        refused(
            "filepath.mode is sideways",
            DESTINATION + "spec: {path: w, " + REF + ", filepath: {mode: sideways}}",
            "/spec/filepath/mode"),
        refused("a Destination has no path", DESTINATION + "spec: {" + REF + "}", "/spec/path"),
        refused(
            "stateStoreRef names a ConfigMap",
            DESTINATION + "spec: {path: w, stateStoreRef: {kind: ConfigMap, name: default}}",
            "/spec/stateStoreRef/kind"),
        refused(
            "stateStoreRef has no name",
            DESTINATION + "spec: {path: w, stateStoreRef: {kind: GitStateStore}}",
            "/spec/stateStoreRef/name"),
        refused(
            "cleanup is everything",
            DESTINATION + "spec: {path: w, " + REF + ", cleanup: everything}",
            "/spec/cleanup"),
        refused(
            "a GitStateStore's authMethod is password",
            GIT + "spec: {url: u, authMethod: password}",
            "/spec/authMethod"),
        refused(
            "a GitStateStore field is misspelt",
            GIT + "spec: {url: u, branches: main}",
            "/spec/branches"),
        refused(
            "gitAuthor is a string", GIT + "spec: {url: u, gitAuthor: kratix}", "/spec/gitAuthor"),
        refused(
            "a BucketStateStore has no endpoint",
            BUCKET + "spec: {bucketName: b}",
            "/spec/endpoint"),
        refused(
            "a BucketStateStore's authMethod is token",
            BUCKET + "spec: {bucketName: b, endpoint: e, authMethod: token}",
            "/spec/authMethod"),
        refused(
            "insecure is a string",
            BUCKET + "spec: {bucketName: b, endpoint: e, insecure: \"yes\"}",
            "/spec/insecure"),
        refused(
            "a Promise's resource workflows are not a list",
            PROMISE + "spec: {workflows: {resource: {configure: {name: p}}}}",
            "/spec/workflows/resource/configure"),
        refused(
            "a Promise's api has no kind",
            PROMISE + "spec: {api: {apiVersion: apiextensions.k8s.io/v1, metadata: {name: x}}}",
            "/spec/api/kind"),
        refused(
            "a destination selector's label value is a number",
            PROMISE + "spec: {destinationSelectors: [{matchLabels: {size: 3}}]}",
            "/spec/destinationSelectors/0/matchLabels/size"),
        refused(
            "a Promise's spec field is misspelt",
            PROMISE + "spec: {workflow: {}}",
            "/spec/workflow"),
        refused(
            "a state store's status has no status",
            GIT + "spec: {url: u}\nstatus: {conditions: []}",
            "/status/status"),
        refused(
            "a condition's status is Yes",
            DESTINATION
                + "spec: {path: w, "
                + REF
                + "}\nstatus: {conditions: [{type: Ready, status: \"Yes\", reason: R, message: m,"
                + " lastTransitionTime: \"2026-12-07T05:00:00Z\"}]}",
            "/status/conditions/0/status"),
        refused(
            "a condition's lastTransitionTime is not a time",
            BUCKET
                + "spec: {bucketName: b, endpoint: e}\nstatus: {status: Ready, conditions:"
                + " [{type: Ready, status: \"True\", reason: R, message: m,"
                + " lastTransitionTime: yesterday}]}",
            "/status/conditions/0/lastTransitionTime"),
        refused(
            "a Promise condition has no reason",
            PROMISE
                + "spec: {}\nstatus: {conditions: [{type: Available, status: \"True\", message: m,"
                + " lastTransitionTime: \"2026-12-07T05:00:00Z\"}]}",
            "/status/conditions/0/reason"),
        refused(
            "a Promise's workflow count is text",
            PROMISE + "spec: {}\nstatus: {workflows: two}",
            "/status/workflows"));
  }

  static Arguments refused(String why, String document, String pointer) {
    return Arguments.of(why, document, pointer);
  }

  static JsonNode yaml(String document) {
    try {
      return YAML.readTree(document);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
