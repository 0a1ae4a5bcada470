package io.pledge.intake.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.intake.problem.ProblemException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PermissionsTest {

  private static final Caller ADMIN = new Caller("admin", Set.of("platform-admin"), Set.of());
  private static final Caller TEAM_A =
      new Caller("/billing", Set.of("requester"), Set.of("team-a"));

  private static List<JsonNode> docs(String yaml) {
    return KratixDocuments.readAll(yaml);
  }

  private static final String PROMISE =
      "apiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata: {name: p}\n";
  private static final String POLICY =
      "apiVersion: pledge.io/v1alpha1\nkind: NotificationPolicy\nmetadata: {name: p}\n";

  private static String request(String namespace) {
    return "apiVersion: workshop.kratix.io/v1\nkind: postgresql\nmetadata: {name: a"
        + (namespace == null ? "" : ", namespace: " + namespace)
        + "}\n";
  }

  @Test
  void requestersApplyRequestsInTheirNamespacesOnly() {
    assertThatCode(() -> Permissions.requireMayApply(TEAM_A, docs(request("team-a")), "default"))
        .doesNotThrowAnyException();
    assertForbidden(TEAM_A, request("team-b"), "may not use resource requests in namespace team-b");
    // A request naming no namespace lands in the default one.
    assertForbidden(TEAM_A, request(null), "namespace default");
    assertThatCode(() -> Permissions.requireMayApply(TEAM_A, docs(request(null)), "team-a"))
        .doesNotThrowAnyException();
  }

  @Test
  void onlyPlatformAdminsApplyPlatformDocuments() {
    assertForbidden(
        TEAM_A, PROMISE, "/billing may not apply a Promise (needs role platform-admin)");
    assertForbidden(TEAM_A, POLICY, "NotificationPolicy");
    assertThatCode(
            () ->
                Permissions.requireMayApply(
                    ADMIN, docs(PROMISE + "---\n" + POLICY + "---\n" + request("x")), "default"))
        .doesNotThrowAnyException();
  }

  @Test
  void oneForbiddenDocumentForbidsTheWholeApply() {
    assertForbidden(TEAM_A, request("team-a") + "---\n" + PROMISE, "Promise");
  }

  @Test
  void aCallerWithoutRolesMayDoNothing() {
    Caller nobody = new Caller("x", Set.of(), Set.of("*"));
    assertForbidden(nobody, request("team-a"), "team-a");
  }

  private static void assertForbidden(Caller caller, String yaml, String detail) {
    assertThatThrownBy(() -> Permissions.requireMayApply(caller, docs(yaml), "default"))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              org.assertj.core.api.Assertions.assertThat(e.problem().status()).isEqualTo(403);
              org.assertj.core.api.Assertions.assertThat(e.problem().detail()).contains(detail);
            });
  }
}
