package io.pledge.intake.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.intake.config.IntakeConfig;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the claims of a verified OIDC access token into a {@link Caller}: the name from {@code
 * nameClaim} (else {@code sub}), roles from every one of {@code rolesClaims}, namespaces from
 * {@code namespacesClaim}. A claim is a list of strings or one string of space- or comma-separated
 * values; a dotted name that is not a claim itself reaches into objects ({@code realm_access.roles}
 * is Keycloak's realm roles).
 */
public record ClaimMapping(String nameClaim, List<String> rolesClaims, String namespacesClaim) {

  public static ClaimMapping of(IntakeConfig.Auth.Oidc config) {
    return new ClaimMapping(config.nameClaim(), config.rolesClaims(), config.namespacesClaim());
  }

  /** The caller the claims describe; empty when they name nobody. */
  public Optional<Caller> caller(JsonNode claims) {
    Optional<String> name =
        text(claim(claims, nameClaim)).or(() -> text(claims.path("sub"))).filter(n -> !n.isBlank());
    if (name.isEmpty()) {
      return Optional.empty();
    }
    Set<String> roles = new LinkedHashSet<>();
    rolesClaims.forEach(c -> roles.addAll(values(claim(claims, c))));
    return Optional.of(
        new Caller(
            name.get(), Set.copyOf(roles), Set.copyOf(values(claim(claims, namespacesClaim)))));
  }

  static JsonNode claim(JsonNode claims, String name) {
    if (claims.has(name)) {
      return claims.get(name);
    }
    JsonNode node = claims;
    for (String segment : name.split("\\.")) {
      node = node.path(segment);
    }
    return node;
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
  }

  private static Set<String> values(JsonNode node) {
    Set<String> values = new LinkedHashSet<>();
    if (node.isArray()) {
      node.forEach(v -> text(v).ifPresent(values::add));
    } else if (node.isTextual()) {
      for (String v : node.asText().split("[\\s,]+")) {
        if (!v.isEmpty()) {
          values.add(v);
        }
      }
    }
    return values;
  }
}
