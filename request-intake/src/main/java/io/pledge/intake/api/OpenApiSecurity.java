package io.pledge.intake.api;

import io.pledge.intake.config.IntakeConfig;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * The OpenAPI document's security, decided at start-up from {@code pledge.intake.auth.*} (Quarkus's
 * automatic scheme is an {@code openIdConnect} one without a URL, which Swagger UI cannot use): in
 * mode {@code tokens} an HTTP bearer scheme, which Swagger UI's Authorize takes a token of the
 * tokens file for; in mode {@code oidc} the provider's discovery document when {@code
 * quarkus.oidc.auth-server-url} is set, else a bearer JWT. Every operation needs it but the
 * AsyncAPI document, which is public (it describes the topics, not data); with authentication off
 * there is none.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class OpenApiSecurity implements OASFilter {

  /** The scheme's name in {@code components.securitySchemes}. */
  public static final String SCHEME = "pledge";

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    Config config = ConfigProvider.getConfig();
    if (!config.getOptionalValue("pledge.intake.auth.enabled", Boolean.class).orElse(false)) {
      return;
    }
    String mode = config.getOptionalValue("pledge.intake.auth.mode", String.class).orElse("tokens");
    Optional<String> provider =
        config.getOptionalValue("quarkus.oidc.auth-server-url", String.class);
    Components components = openAPI.getComponents();
    if (components == null) {
      components = OASFactory.createComponents();
      openAPI.setComponents(components);
    }
    components.addSecurityScheme(SCHEME, scheme(mode, provider));
    openAPI.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(SCHEME));
    PathItem asyncApi =
        openAPI.getPaths() == null ? null : openAPI.getPaths().getPathItem(AsyncApiResource.PATH);
    if (asyncApi != null && asyncApi.getGET() != null) {
      asyncApi.getGET().setSecurity(List.of());
    }
  }

  static SecurityScheme scheme(String mode, Optional<String> provider) {
    if (IntakeConfig.Auth.Mode.OIDC.name().equalsIgnoreCase(mode) && provider.isPresent()) {
      String base = provider.get().replaceAll("/+$", "");
      return OASFactory.createSecurityScheme()
          .type(SecurityScheme.Type.OPENIDCONNECT)
          .openIdConnectUrl(base + "/.well-known/openid-configuration")
          .description("An access token from the OpenID Connect provider");
    }
    boolean jwt = IntakeConfig.Auth.Mode.OIDC.name().equalsIgnoreCase(mode);
    return OASFactory.createSecurityScheme()
        .type(SecurityScheme.Type.HTTP)
        .scheme("bearer")
        .bearerFormat(jwt ? "JWT" : null)
        .description(
            jwt
                ? "An access token (JWT) of the OpenID Connect provider"
                : "A token from request-intake's tokens file (pledge.intake.auth.tokens-file)");
  }
}
