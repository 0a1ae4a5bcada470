package io.pledge.intake.auth;

import static io.pledge.intake.IntakeTestSupport.WAIT;
import static io.pledge.intake.IntakeTestSupport.assertNothingPublishedAbout;
import static io.pledge.intake.IntakeTestSupport.probe;
import static io.pledge.intake.IntakeTestSupport.request;
import static io.pledge.intake.IntakeTestSupport.resource;
import static io.pledge.intake.IntakeTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.startsWith;

import io.pledge.contract.event.CloudEvent;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(BearerTokenAuthTest.WithTokens.class)
@QuarkusTestResource(KafkaBrokerResource.class)
class BearerTokenAuthTest {

  private static final String ADMIN = "admin-token";
  private static final String ANA = "ana-token";

  /** Turns authentication on with an admin and a requester limited to namespace team-a. */
  public static class WithTokens implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Path file = Files.createTempFile("tokens", ".yaml");
        Files.writeString(
            file,
            """
            tokens:
              - name: platform-team
                token: %s
                roles: [platform-admin]
              - name: ana
                sha256: %s
                roles: [requester]
                namespaces: [team-a]
            """
                .formatted(ADMIN, TokenStore.sha256(ANA)),
            StandardCharsets.UTF_8);
        return Map.of(
            "pledge.intake.auth.enabled",
            "true",
            "pledge.intake.auth.tokens-file",
            file.toString(),
            // Mode tokens leaves OIDC off even when it is configured: nothing listens here.
            "quarkus.oidc.auth-server-url",
            "http://127.0.0.1:9/realms/unused");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static ValidatableResponse apply(String token, String yaml) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/yaml")
        .body(yaml.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/apply")
        .then();
  }

  @BeforeEach
  void seed() {
    Awaitility.await().atMost(WAIT).until(() -> given().get("/q/health/ready").statusCode() == 200);
    apply(ADMIN, resource("/postgres/promise.yaml")).statusCode(200);
  }

  private static List<String> namesInEveryNamespace(String token) {
    return given()
        .header("Authorization", "Bearer " + token)
        .get("/api/v1/promises/postgresql/resources")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("items.metadata.name");
  }

  @Test
  void whoamiNamesTheCallerOfTheTokenAndTheConsoleIsPublic() {
    given()
        .header("Authorization", "Bearer " + ANA)
        .get("/api/v1/whoami")
        .then()
        .statusCode(200)
        .body("name", equalTo("ana"))
        .body("roles", equalTo(List.of("requester")))
        .body("namespaces", equalTo(List.of("team-a")))
        .body("admin", equalTo(false));
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .get("/api/v1/whoami")
        .then()
        .statusCode(200)
        .body("admin", equalTo(true));
    given().get("/api/v1/whoami").then().statusCode(401);
    given()
        .header("Authorization", "Bearer " + ANA)
        .get("/api/v1/platform/consumers")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .get("/api/v1/platform/consumers")
        .then()
        .statusCode(200)
        .body("$", instanceOf(List.class));
    // The console's page and scripts need no token; only the API they call does.
    given()
        .redirects()
        .follow(false)
        .get("/")
        .then()
        .statusCode(303)
        .header("Location", endsWith("/console/"));
    given().get("/console/").then().statusCode(200).body(containsString("js/app.js"));
    given().get("/console/js/api.js").then().statusCode(200);
    given().get("/console-config").then().statusCode(200).body("mode", equalTo("tokens"));
  }

  @Test
  void everyNamespaceMeansEveryNamespaceTheCallerMayUse() {
    String a = unique("all-a");
    String b = unique("all-b");
    apply(ADMIN, request(a, "requester: ana").replace("namespace: default", "namespace: team-a"))
        .statusCode(200);
    apply(ADMIN, request(b, "requester: bo").replace("namespace: default", "namespace: team-b"))
        .statusCode(200);

    List<String> admin = namesInEveryNamespace(ADMIN);
    List<String> ana = namesInEveryNamespace(ANA);

    assertThat(admin).contains(a, b);
    assertThat(ana).contains(a).doesNotContain(b);
    List<String> anasOfEveryPromise =
        given()
            .header("Authorization", "Bearer " + ANA)
            .get("/api/v1/resources")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("items.metadata.name");
    assertThat(anasOfEveryPromise).contains(a).doesNotContain(b);
  }

  @Test
  void watchingEveryNamespaceShowsOnlyTheCallersNamespacesAlsoForLaterRequests() throws Exception {
    watchShowsOnlyTheCallersNamespaces("/api/v1/promises/postgresql/resources?watch=true");
  }

  @Test
  void watchingEveryPromisesRequestsShowsOnlyTheCallersNamespaces() throws Exception {
    watchShowsOnlyTheCallersNamespaces("/api/v1/resources?watch=true");
  }

  private void watchShowsOnlyTheCallersNamespaces(String path) throws Exception {
    String before = unique("w-before");
    apply(
            ADMIN,
            request(before, "requester: ana").replace("namespace: default", "namespace: team-a"))
        .statusCode(200);
    HttpResponse<InputStream> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                    .header("Accept", "text/event-stream")
                    .header("Authorization", "Bearer " + ANA)
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
              } catch (IOException | UncheckedIOException e) {
                // the stream was closed
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      String mine = unique("w-mine");
      String theirs = unique("w-theirs");
      apply(
              ADMIN,
              request(theirs, "requester: bo").replace("namespace: default", "namespace: team-b"))
          .statusCode(200);
      apply(
              ADMIN,
              request(mine, "requester: ana").replace("namespace: default", "namespace: team-a"))
          .statusCode(200);

      Awaitility.await()
          .atMost(WAIT)
          .until(() -> lines.stream().anyMatch(l -> l.startsWith("data:") && l.contains(mine)));
      // The view holds the other team's request too: had the watch let it through, it was sent.
      Awaitility.await()
          .atMost(WAIT)
          .until(
              () ->
                  given()
                          .header("Authorization", "Bearer " + ADMIN)
                          .get("/api/v1/resources/team-b/postgresql/" + theirs)
                          .statusCode()
                      == 200);
      assertThat(lines).anyMatch(l -> l.startsWith("data:") && l.contains(before));
      assertThat(lines).noneMatch(l -> l.contains(theirs));
    } finally {
      response.body().close();
    }
  }

  @Test
  void swaggerUiAuthorizesWithABearerTokenAndTheAsyncApiDocumentIsPublic() {
    var openApi = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();

    assertThat(openApi.getString("components.securitySchemes.pledge.type")).isEqualTo("http");
    assertThat(openApi.getString("components.securitySchemes.pledge.scheme")).isEqualTo("bearer");
    assertThat(openApi.getList("security.pledge")).isNotNull();
    assertThat(openApi.getList("paths.'/api/v1/asyncapi'.get.security")).isEmpty();
    assertThat(openApi.getMap("components.securitySchemes")).containsOnlyKeys("pledge");
  }

  @Test
  void refusesCallsWithoutAValidToken() {
    given()
        .get("/api/v1/promises")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer")
        .contentType(startsWith("application/problem+json"));
    given().header("Authorization", "Bearer wrong").get("/api/v1/promises").then().statusCode(401);
    apply("wrong", request(unique("x"), "requester: a")).statusCode(401);
  }

  @Test
  void oidcStaysOffInModeTokensEvenWhenConfigured() {
    assertThat(ConfigProvider.getConfig().getValue("quarkus.oidc.tenant-enabled", Boolean.class))
        .isFalse();
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .get("/api/v1/promises")
        .then()
        .statusCode(200);
  }

  @Test
  void leavesHealthAndTheApiDocumentOpen() {
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/q/openapi").then().statusCode(200);
  }

  @Test
  void onlyPlatformAdminsApplyPlatformDocuments() {
    apply(ANA, resource("/postgres/promise.yaml"))
        .statusCode(403)
        .contentType(startsWith("application/problem+json"));
    given()
        .header("Authorization", "Bearer " + ANA)
        .get("/api/v1/destinations")
        .then()
        .statusCode(403);
    given().header("Authorization", "Bearer " + ANA).get("/api/v1/promises").then().statusCode(200);
  }

  @Test
  void onlyPlatformAdminsApplyReadAndDeleteNotificationPolicies() {
    String name = unique("policy");
    String policy =
        """
        apiVersion: pledge.io/v1alpha1
        kind: NotificationPolicy
        metadata: {name: %s}
        spec:
          rules: [{events: [reconciled], channel: slack}]
        """
            .formatted(name);
    apply(ANA, policy).statusCode(403).contentType(startsWith("application/problem+json"));
    apply(ADMIN, policy).statusCode(200).body("[0].outcome", equalTo("created"));
    probe().await("pledge.notificationpolicy.applied", name, WAIT);

    for (String path : new String[] {"", "/" + name}) {
      given()
          .header("Authorization", "Bearer " + ANA)
          .get("/api/v1/notificationpolicies" + path)
          .then()
          .statusCode(403);
    }
    given()
        .header("Authorization", "Bearer " + ANA)
        .delete("/api/v1/notificationpolicies/" + name)
        .then()
        .statusCode(403);
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .get("/api/v1/notificationpolicies/" + name)
        .then()
        .statusCode(200);
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .delete("/api/v1/notificationpolicies/" + name)
        .then()
        .statusCode(200);
  }

  @Test
  void onlyPlatformAdminsReadAndDeletePromisesDestinationsAndStateStores() {
    String store = unique("store");
    apply(
            ADMIN,
            """
            apiVersion: platform.kratix.io/v1alpha1
            kind: GitStateStore
            metadata: {name: %s}
            spec: {url: file:///tmp/state.git}
            """
                .formatted(store))
        .statusCode(200);

    // Refused before the name is looked up: not even whether it exists is told.
    given()
        .header("Authorization", "Bearer " + ANA)
        .delete("/api/v1/promises/nobody")
        .then()
        .statusCode(403)
        .contentType(startsWith("application/problem+json"));
    for (String collection : new String[] {"destinations", "gitstatestores", "bucketstatestores"}) {
      for (String path : new String[] {"", "/" + store}) {
        given()
            .header("Authorization", "Bearer " + ANA)
            .get("/api/v1/" + collection + path)
            .then()
            .statusCode(403);
      }
      given()
          .header("Authorization", "Bearer " + ANA)
          .delete("/api/v1/" + collection + "/" + store)
          .then()
          .statusCode(403);
    }
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .get("/api/v1/gitstatestores/" + store)
        .then()
        .statusCode(200);
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .delete("/api/v1/gitstatestores/" + store)
        .then()
        .statusCode(200);
  }

  @Test
  void requestersWorkInTheirNamespacesOnlyAndAreRecordedAsRequester() {
    String mine = unique("mine");
    String key = "team-a/postgresql/" + mine;
    apply(ANA, request(mine, "requester: ana").replace("namespace: default", "namespace: team-a"))
        .statusCode(200)
        .body("[0].outcome", equalTo("created"));
    CloudEvent accepted = probe().await("pledge.request.accepted", key, WAIT);
    assertThat(accepted.data().path("requester").asText()).isEqualTo("ana");
    given()
        .header("Authorization", "Bearer " + ANA)
        .get("/api/v1/resources/" + key)
        .then()
        .statusCode(200);

    String theirs = unique("theirs");
    apply(ANA, request(theirs, "requester: ana")).statusCode(403);
    assertNothingPublishedAbout("default/postgresql/" + theirs);
    given()
        .header("Authorization", "Bearer " + ANA)
        .get("/api/v1/resources/default/postgresql")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", "Bearer " + ANA)
        .delete("/api/v1/resources/default/postgresql/" + theirs)
        .then()
        .statusCode(403);
    given()
        .header("Authorization", "Bearer " + ANA)
        .get("/api/v1/resources/default?watch=true")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", "Bearer " + ANA)
        .get("/api/v1/resources/team-a")
        .then()
        .statusCode(200)
        .body("items.metadata.name", hasItem(mine));
  }
}
