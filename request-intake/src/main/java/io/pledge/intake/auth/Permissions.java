package io.pledge.intake.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import io.pledge.contract.notification.NotificationPolicyApplied;
import io.pledge.intake.problem.ProblemException;
import java.util.List;

/**
 * What a {@link Caller} may do, the same for a REST caller and for a system sending inbound events:
 * platform documents (Promises, Destinations, state stores, NotificationPolicies) are the
 * platform-admin's; resource requests need their namespace.
 */
public final class Permissions {

  private Permissions() {}

  public static void requireAdmin(Caller caller, String what) {
    if (!caller.admin()) {
      throw forbidden(caller.name() + " may not " + what + " (needs role platform-admin)");
    }
  }

  public static void requireNamespace(Caller caller, String namespace) {
    if (!caller.mayUseNamespace(namespace)) {
      throw forbidden(caller.name() + " may not use resource requests in namespace " + namespace);
    }
  }

  /**
   * May {@code caller} apply every one of {@code documents}? Checked before validation, so a caller
   * learns nothing about documents it may not touch.
   *
   * @param defaultNamespace the namespace of a request that names none
   * @throws ProblemException 403 for the first document it may not apply
   */
  public static void requireMayApply(
      Caller caller, List<JsonNode> documents, String defaultNamespace) {
    for (JsonNode document : documents) {
      if (platformDocument(document)) {
        requireAdmin(caller, "apply a " + document.path("kind").asText("platform document"));
      } else {
        requireNamespace(
            caller, document.path("metadata").path("namespace").asText(defaultNamespace));
      }
    }
  }

  /** Promises, Destinations, state stores and NotificationPolicies: the platform-admin's. */
  public static boolean platformDocument(JsonNode document) {
    String apiVersion = document.path("apiVersion").asText();
    return KratixDocuments.API_VERSION.equals(apiVersion)
        || NotificationPolicyApplied.API_VERSION.equals(apiVersion);
  }

  public static ProblemException forbidden(String detail) {
    return ProblemException.of(403, "forbidden", "Forbidden", detail, List.of());
  }
}
