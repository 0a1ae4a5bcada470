package io.pledge.intake.auth;

import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.config.IntakeConfig.Auth.Mode;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Who is calling, in the configured mode: bearer tokens from the tokens file or from an OIDC
 * provider; systems (inbound CloudEvent sources) always from the tokens file's {@code systems:}.
 */
@ApplicationScoped
public class CallerDirectory {

  private static final Logger LOG = Logger.getLogger(CallerDirectory.class);

  private final IntakeConfig config;
  private final TokenStore file;
  private final OidcTokenVerifier oidc;

  CallerDirectory(IntakeConfig config, OidcTokenVerifier oidc) {
    this.config = config;
    this.file = new TokenStore(Path.of(config.auth().tokensFile()));
    this.oidc = oidc;
  }

  void announce(@Observes StartupEvent start, Config all) {
    IntakeConfig.Auth auth = config.auth();
    if (!auth.enabled()) {
      LOG.info("Authentication is off: every caller and every inbound source may do everything");
      return;
    }
    if (auth.mode() == Mode.OIDC
        && !all.getOptionalValue(OidcTenantSwitch.TENANT_ENABLED, Boolean.class).orElse(true)) {
      throw new IllegalStateException(
          "pledge.intake.auth.mode=oidc but "
              + OidcTenantSwitch.TENANT_ENABLED
              + "=false: no token could ever be verified");
    }
    LOG.infof(
        "Authentication: bearer tokens %s; inbound systems from %s",
        auth.mode() == Mode.OIDC ? "verified by OIDC" : "from " + auth.tokensFile(),
        auth.tokensFile());
  }

  /** The caller a bearer token belongs to; a null item for a missing or invalid token. */
  public Uni<Caller> byToken(String token) {
    if (token == null || token.isBlank()) {
      return Uni.createFrom().nullItem();
    }
    return switch (config.auth().mode()) {
      case TOKENS -> Uni.createFrom().item(file.authenticate(token).orElse(null));
      case OIDC -> oidc.caller(token);
    };
  }

  /** The system bound to an inbound CloudEvent {@code source}, in every mode. */
  public Optional<Caller> system(String source) {
    return file.system(source);
  }

  /** The public key that signs the events of {@code source}, if the tokens file gives one. */
  public Optional<PublicKey> systemKey(String source) {
    return file.systemKey(source);
  }
}
