package io.pledge.intake.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;
import org.junit.jupiter.api.Test;

class OpenApiSecurityTest {

  @Test
  void oidcModeWithAProviderPointsSwaggerUiAtItsDiscoveryDocument() {
    SecurityScheme scheme =
        OpenApiSecurity.scheme("oidc", Optional.of("https://sso.example.com/realms/platform/"));

    assertThat(scheme.getType()).isEqualTo(SecurityScheme.Type.OPENIDCONNECT);
    assertThat(scheme.getOpenIdConnectUrl())
        .isEqualTo("https://sso.example.com/realms/platform/.well-known/openid-configuration");
  }

  @Test
  void tokensModeIsAPlainBearerToken() {
    SecurityScheme scheme = OpenApiSecurity.scheme("tokens", Optional.of("https://ignored"));

    assertThat(scheme.getType()).isEqualTo(SecurityScheme.Type.HTTP);
    assertThat(scheme.getScheme()).isEqualTo("bearer");
    assertThat(scheme.getBearerFormat()).isNull();
  }
}
