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
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.request.RequestRejected;
import io.pledge.intake.IntakeTestSupport;
import io.pledge.testkit.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mode oidc: bearer tokens are access tokens signed by the provider, verified offline with {@code
 * quarkus.oidc.public-key}; the tokens file holds only the inbound systems.
 */
@QuarkusTest
@TestProfile(OidcBearerAuthTest.WithOidc.class)
@QuarkusTestResource(KafkaBrokerResource.class)
class OidcBearerAuthTest {

  /** OIDC mode with the stand-in provider's key, and one inbound system bound to team-a. */
  public static class WithOidc implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Path file = Files.createTempFile("systems", ".yaml");
        Files.writeString(
            file,
            """
            tokens:
              - {name: file-admin, token: file-admin-token, roles: [platform-admin]}
            systems:
              - {source: /billing-system, roles: [requester], namespaces: [team-a]}
            """,
            StandardCharsets.UTF_8);
        return Map.of(
            "pledge.intake.auth.enabled",
            "true",
            "pledge.intake.auth.mode",
            "oidc",
            "pledge.intake.auth.tokens-file",
            file.toString(),
            "quarkus.oidc.public-key",
            OidcTestTokens.publicKey(),
            "quarkus.oidc.token.issuer",
            OidcTestTokens.ISSUER);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final String ADMIN =
      OidcTestTokens.sign(OidcTestTokens.user("platform-team").groups("platform-admin"));
  private static final String ANA =
      OidcTestTokens.sign(
          OidcTestTokens.user("ana")
              .groups(Set.of("requester"))
              .claim("pledge_namespaces", List.of("team-a")));

  private static ValidatableResponse apply(String token, String yaml) {
    return given()
        .header("Authorization", "Bearer " + token)
        .contentType("application/yaml")
        .body(yaml.getBytes(StandardCharsets.UTF_8))
        .post("/api/v1/apply")
        .then();
  }

  private static String inNamespace(String name, String namespace) {
    return request(name, "requester: ana").replace("namespace: default", "namespace: " + namespace);
  }

  @BeforeEach
  void seed() {
    Awaitility.await().atMost(WAIT).until(() -> given().get("/q/health/ready").statusCode() == 200);
  }

  @Test
  void swaggerUiTakesAnAccessTokenWhenTheProviderIsKnownByItsKeyOnly() {
    var openApi = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();

    assertThat(openApi.getString("components.securitySchemes.pledge.scheme")).isEqualTo("bearer");
    assertThat(openApi.getString("components.securitySchemes.pledge.bearerFormat"))
        .isEqualTo("JWT");
  }

  @Test
  void theConsoleIsToldItIsOidcButHasNoProviderToSendBrowsersToWhenOnlyTheKeyIsKnown() {
    given()
        .get("/console-config")
        .then()
        .statusCode(200)
        .body("mode", equalTo("oidc"))
        .body("oidc", nullValue());
  }

  @Test
  void aPlatformAdminFromTheProviderAppliesAPromise() {
    apply(ADMIN, resource("/postgres/promise.yaml"))
        .statusCode(200)
        .body("[0].kind", equalTo("Promise"));
    given()
        .header("Authorization", "Bearer " + ADMIN)
        .get("/api/v1/destinations")
        .then()
        .statusCode(200);
  }

  @Test
  void aRequesterAppliesInItsNamespacesOnlyAndIsRecordedByName() {
    apply(ADMIN, resource("/postgres/promise.yaml")).statusCode(200);
    String mine = unique("mine");
    String key = "team-a/postgresql/" + mine;

    apply(ANA, inNamespace(mine, "team-a")).statusCode(200).body("[0].outcome", equalTo("created"));

    CloudEvent accepted = probe().await("pledge.request.accepted", key, WAIT);
    assertThat(accepted.data().path("requester").asText()).isEqualTo("ana");

    String theirs = unique("theirs");
    apply(ANA, inNamespace(theirs, "team-b"))
        .statusCode(403)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("ana may not use resource requests in namespace team-b"));
    assertNothingPublishedAbout("team-b/postgresql/" + theirs);
    apply(ANA, resource("/postgres/promise.yaml"))
        .statusCode(403)
        .body("detail", containsString("needs role platform-admin"));
    given()
        .header("Authorization", "Bearer " + ANA)
        .get("/api/v1/destinations")
        .then()
        .statusCode(403);
  }

  @Test
  void takesKeycloakRealmRolesAndFallsBackToTheSubject() {
    apply(ADMIN, resource("/postgres/promise.yaml")).statusCode(200);
    String robot =
        OidcTestTokens.sign(
            Jwt.claims()
                .subject("service-account-ci")
                .claim("realm_access", Map.of("roles", List.of("requester", "offline_access")))
                .claim("pledge_namespaces", "team-c"));
    String name = unique("robot");

    apply(robot, inNamespace(name, "team-c")).statusCode(200);

    CloudEvent accepted =
        probe().await("pledge.request.accepted", "team-c/postgresql/" + name, WAIT);
    assertThat(accepted.data().path("requester").asText()).isEqualTo("service-account-ci");
  }

  @Test
  void refusesMissingExpiredForgedAndForeignTokensWith401() {
    String expired =
        OidcTestTokens.expired(OidcTestTokens.user("platform-team").groups("platform-admin"));
    String forged =
        OidcTestTokens.sign(
            OidcTestTokens.user("platform-team").groups("platform-admin"), OidcTestTokens.forger());
    Instant now = Instant.now();
    String foreign =
        Jwt.claims()
            .subject("platform-team")
            .groups("platform-admin")
            .issuer("https://another-idp.test")
            .issuedAt(now)
            .expiresAt(now.plusSeconds(3600))
            .jws()
            .sign(OidcTestTokens.providerKey());
    String name = unique("nope");
    for (String token : new String[] {expired, forged, foreign, "file-admin-token", "not.a.jwt"}) {
      apply(token, inNamespace(name, "team-a"))
          .statusCode(401)
          .header("WWW-Authenticate", "Bearer")
          .contentType(startsWith("application/problem+json"))
          .body("status", equalTo(401));
    }
    given()
        .get("/api/v1/promises")
        .then()
        .statusCode(401)
        .contentType(startsWith("application/problem+json"));
    assertNothingPublishedAbout("team-a/postgresql/" + name);
  }

  @Test
  void oidcIsOnInModeOidcWithoutBeingSwitchedOnByHand() {
    assertThat(ConfigProvider.getConfig().getValue("quarkus.oidc.tenant-enabled", Boolean.class))
        .isTrue();
  }

  @Test
  void leavesHealthAndTheApiDocumentsOpen() {
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/q/openapi").then().statusCode(200);
    given().get("/api/v1/asyncapi").then().statusCode(200);
  }

  @Test
  void authorisesInboundEventsBySourceInOidcModeToo() {
    apply(ADMIN, resource("/postgres/promise.yaml")).statusCode(200);
    String name = unique("billed");
    CloudEvent bound = inbound("/billing-system", inNamespace(name, "team-a"));
    probe().publish(Topics.REQUESTS_INBOUND, name, EventCodec.write(bound));
    CloudEvent accepted = IntakeTestSupport.awaitAnswer(bound.id());
    assertThat(accepted.type()).isEqualTo("pledge.request.accepted");
    assertThat(accepted.data().path("requester").asText()).isEqualTo("/billing-system");

    String other = unique("stranger");
    CloudEvent unknown = inbound("/stranger", inNamespace(other, "team-a"));
    probe().publish(Topics.REQUESTS_INBOUND, other, EventCodec.write(unknown));
    CloudEvent rejected = probe().await(e -> unknown.id().equals(e.correlationid()), WAIT);
    assertThat(EventCodec.data(rejected, RequestRejected.class).problem().status()).isEqualTo(403);
  }

  private static CloudEvent inbound(String source, String yaml) {
    return new CloudEvent(
        "1.0",
        UUID.randomUUID().toString(),
        source,
        "io.example.request",
        null,
        Instant.now(),
        "application/json",
        null,
        null,
        KratixDocuments.readAll(yaml).get(0));
  }
}
