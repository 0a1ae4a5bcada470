package io.pledge.intake.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.EventCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimMappingTest {

  private static final ClaimMapping DEFAULTS =
      new ClaimMapping(
          "preferred_username", List.of("groups", "realm_access.roles"), "pledge_namespaces");

  private static JsonNode claims(String json) throws Exception {
    return EventCodec.JSON.readTree(json);
  }

  @Test
  void takesNameRolesAndNamespacesFromTheDefaultClaims() throws Exception {
    Caller ana =
        DEFAULTS
            .caller(
                claims(
                    """
                    {"sub": "0f3e", "preferred_username": "ana", "groups": ["requester"],
                     "pledge_namespaces": ["team-a", "team-b"]}
                    """))
            .orElseThrow();
    assertThat(ana.name()).isEqualTo("ana");
    assertThat(ana.roles()).containsExactly("requester");
    assertThat(ana.namespaces()).containsExactlyInAnyOrder("team-a", "team-b");
  }

  @Test
  void fallsBackToSubAndReadsKeycloakRealmRolesAndSpaceSeparatedStrings() throws Exception {
    Caller ci =
        DEFAULTS
            .caller(
                claims(
                    """
                    {"sub": "service-account-ci", "realm_access": {"roles": ["platform-admin", "offline_access"]},
                     "groups": "requester", "pledge_namespaces": "team-a, team-c"}
                    """))
            .orElseThrow();
    assertThat(ci.name()).isEqualTo("service-account-ci");
    assertThat(ci.roles())
        .containsExactlyInAnyOrder("platform-admin", "offline_access", "requester");
    assertThat(ci.admin()).isTrue();
    assertThat(ci.namespaces()).containsExactlyInAnyOrder("team-a", "team-c");
  }

  @Test
  void aClaimWhoseNameHasDotsIsReadAsItIs() throws Exception {
    ClaimMapping mapping =
        new ClaimMapping(
            "email", List.of("https://pledge.io/roles"), "https://pledge.io/namespaces");
    Caller bo =
        mapping
            .caller(
                claims(
                    """
                    {"sub": "1", "email": "bo@example.com", "https://pledge.io/roles": ["requester"],
                     "https://pledge.io/namespaces": ["*"]}
                    """))
            .orElseThrow();
    assertThat(bo.name()).isEqualTo("bo@example.com");
    assertThat(bo.mayUseNamespace("anything")).isTrue();
  }

  @Test
  void aTokenWithoutRolesGivesACallerWhoMayDoNothing() throws Exception {
    Caller nobody = DEFAULTS.caller(claims("{\"sub\": \"x\", \"groups\": [1, 2]}")).orElseThrow();
    assertThat(nobody.roles()).isEmpty();
    assertThat(nobody.mayUseNamespace("default")).isFalse();
  }

  @Test
  void aTokenNamingNobodyGivesNoCaller() throws Exception {
    assertThat(DEFAULTS.caller(claims("{\"groups\": [\"platform-admin\"]}"))).isEmpty();
    assertThat(DEFAULTS.caller(claims("{\"sub\": \"\"}"))).isEmpty();
  }
}
