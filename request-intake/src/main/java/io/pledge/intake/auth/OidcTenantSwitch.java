package io.pledge.intake.auth;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * quarkus-oidc's default tenant follows {@code pledge.intake.auth.mode}: unless {@code
 * quarkus.oidc.tenant-enabled} is set explicitly, it is {@code true} only when authentication is on
 * in mode {@code oidc}. In mode {@code tokens} (the default) OIDC then does nothing: no discovery
 * call at start, no {@code auth-server-url} needed, bearer tokens left to the tokens file.
 * Registered through {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}; its
 * default priority (application) puts it outside the profile and expression interceptors, so it
 * sees resolved values.
 */
public class OidcTenantSwitch implements ConfigSourceInterceptor {

  static final String TENANT_ENABLED = "quarkus.oidc.tenant-enabled";
  static final String AUTH_ENABLED = "pledge.intake.auth.enabled";
  static final String AUTH_MODE = "pledge.intake.auth.mode";

  @Override
  public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
    ConfigValue value = context.proceed(name);
    if (!TENANT_ENABLED.equals(name) || explicitlySet(value)) {
      return value;
    }
    boolean oidc =
        "true".equalsIgnoreCase(valueOf(context, AUTH_ENABLED))
            && "oidc".equalsIgnoreCase(valueOf(context, AUTH_MODE));
    return ConfigValue.builder()
        .withName(name)
        .withValue(Boolean.toString(oidc))
        .withConfigSourceName(OidcTenantSwitch.class.getSimpleName())
        .build();
  }

  /** Defaults (of the OIDC mapping, recorded at build time) live in sources of negative ordinal. */
  private static boolean explicitlySet(ConfigValue value) {
    return value != null && value.getValue() != null && value.getConfigSourceOrdinal() >= 0;
  }

  private static String valueOf(ConfigSourceInterceptorContext context, String name) {
    ConfigValue value = context.proceed(name);
    return value == null ? null : value.getValue();
  }
}
