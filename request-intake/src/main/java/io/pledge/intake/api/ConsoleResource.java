package io.pledge.intake.api;

import io.pledge.intake.config.IntakeConfig;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The web console's server side: {@code /} leads a browser to it (its pages and scripts are static
 * files under {@code META-INF/resources/console}; docs/console.md), and {@code /console-config}
 * tells it, before anyone signs in, how to sign in.
 */
@Path("/")
public class ConsoleResource {

  /**
   * How the console signs in.
   *
   * @param mode {@code off} (no sign-in), {@code tokens} (a token of the tokens file) or {@code
   *     oidc} (a provider's access token)
   * @param oidc the provider for the Authorization Code flow with PKCE; null unless mode is oidc
   *     and the provider's URL is known
   */
  public record ConsoleConfig(String mode, OidcLogin oidc) {}

  /**
   * @param providerUrl the issuer, where {@code .well-known/openid-configuration} is found
   */
  public record OidcLogin(String providerUrl, String clientId, String scopes) {}

  private final ConsoleConfig consoleConfig;

  ConsoleResource(IntakeConfig config, Config rawConfig) {
    this.consoleConfig =
        of(config, rawConfig.getOptionalValue("quarkus.oidc.auth-server-url", String.class));
  }

  static ConsoleConfig of(IntakeConfig config, Optional<String> providerUrl) {
    IntakeConfig.Auth auth = config.auth();
    if (!auth.enabled()) {
      return new ConsoleConfig("off", null);
    }
    if (auth.mode() == IntakeConfig.Auth.Mode.TOKENS) {
      return new ConsoleConfig("tokens", null);
    }
    return new ConsoleConfig(
        "oidc",
        providerUrl
            .map(
                url ->
                    new OidcLogin(url, auth.oidc().consoleClientId(), auth.oidc().consoleScopes()))
            .orElse(null));
  }

  @GET
  @Operation(hidden = true)
  public Response root() {
    return Response.seeOther(URI.create("/console/")).build();
  }

  @GET
  @Path("console-config")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "How the web console signs in: off, tokens, or OIDC with its provider")
  public ConsoleConfig consoleConfig() {
    return consoleConfig;
  }
}
