package io.pledge.intake.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OidcTenantSwitchTest {

  /** quarkus-oidc's own default for the key, as its mapping declares it. */
  private static boolean tenantEnabled(Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withDefaultValue(OidcTenantSwitch.TENANT_ENABLED, "true")
            .withSources(new PropertiesConfigSource(properties, "test", 250))
            .withInterceptors(new OidcTenantSwitch())
            .build();
    return config.getValue(OidcTenantSwitch.TENANT_ENABLED, Boolean.class);
  }

  @Test
  void oidcStaysOffUnlessAuthIsOnInModeOidc() {
    assertThat(tenantEnabled(Map.of())).isFalse();
    assertThat(tenantEnabled(Map.of("pledge.intake.auth.enabled", "true"))).isFalse();
    assertThat(
            tenantEnabled(
                Map.of("pledge.intake.auth.enabled", "true", "pledge.intake.auth.mode", "tokens")))
        .isFalse();
    assertThat(tenantEnabled(Map.of("pledge.intake.auth.mode", "oidc"))).isFalse();
    assertThat(
            tenantEnabled(
                Map.of("pledge.intake.auth.enabled", "true", "pledge.intake.auth.mode", "OIDC")))
        .isTrue();
  }

  @Test
  void anExplicitSettingWins() {
    assertThat(
            tenantEnabled(
                Map.of(
                    "pledge.intake.auth.enabled",
                    "true",
                    "pledge.intake.auth.mode",
                    "oidc",
                    OidcTenantSwitch.TENANT_ENABLED,
                    "false")))
        .isFalse();
    assertThat(tenantEnabled(Map.of(OidcTenantSwitch.TENANT_ENABLED, "true"))).isTrue();
  }
}
