package io.pledge.intake.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.event.EventCodec;
import io.pledge.intake.config.IntakeConfig;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.oidc.TokenIntrospection;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonValue;
import java.util.Collection;
import java.util.Map;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Verifies bearer tokens as OIDC access tokens with quarkus-oidc's default tenant (signature,
 * expiry, issuer and audience as {@code quarkus.oidc.*} configures) and maps their claims to a
 * {@link Caller} with {@link ClaimMapping}. Used only in mode {@code oidc}.
 */
@ApplicationScoped
public class OidcTokenVerifier {

  private static final Logger LOG = Logger.getLogger(OidcTokenVerifier.class);
  private static final String INTROSPECTION = "introspection";

  private final TenantIdentityProvider identities;
  private final ClaimMapping mapping;

  OidcTokenVerifier(TenantIdentityProvider identities, IntakeConfig config) {
    this.identities = identities;
    this.mapping = ClaimMapping.of(config.auth().oidc());
  }

  /** The caller a valid access token names; a null item when the token is not valid. */
  public Uni<Caller> caller(String token) {
    return identities
        .authenticate(new AccessTokenCredential(token))
        .map(identity -> mapping.caller(claims(identity)).orElse(null))
        .onFailure()
        .recoverWithItem(
            failure -> {
              // The exception's message may quote the token's claims: name the cause only.
              if (failure instanceof AuthenticationFailedException) {
                LOG.debugf("Access token rejected (%s)", causeName(failure));
              } else {
                LOG.warnf("Access token could not be verified (%s)", causeName(failure));
              }
              return null;
            });
  }

  private static String causeName(Throwable failure) {
    Throwable cause = failure.getCause() == null ? failure : failure.getCause();
    return cause.getClass().getSimpleName();
  }

  /** The token's claims; for an opaque token, its introspection response. */
  static JsonNode claims(SecurityIdentity identity) {
    ObjectNode claims = JsonNodeFactory.instance.objectNode();
    if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getClaimNames() != null) {
      for (String name : jwt.getClaimNames()) {
        if (!Claims.raw_token.name().equals(name)) {
          claims.set(name, json(jwt.getClaim(name)));
        }
      }
    }
    if (identity.getAttribute(INTROSPECTION) instanceof TokenIntrospection introspection
        && introspection.getJsonObject() != null) {
      json(introspection.getJsonObject())
          .fields()
          .forEachRemaining(e -> claims.set(e.getKey(), e.getValue()));
    }
    return claims;
  }

  /** A claim value (String, Number, a collection, a JSON-P value) as Jackson JSON. */
  static JsonNode json(Object value) {
    if (value instanceof JsonValue jsonp) {
      try {
        return EventCodec.JSON.readTree(jsonp.toString());
      } catch (JsonProcessingException e) {
        return JsonNodeFactory.instance.nullNode();
      }
    }
    if (value instanceof Collection<?> values) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      values.forEach(v -> array.add(json(v)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), json(v)));
      return object;
    }
    return EventCodec.JSON.valueToTree(value);
  }
}
