package io.pledge.intake.auth;

import io.pledge.intake.IntakeConfig;
import io.pledge.intake.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.file.Path;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates {@code /api} calls with {@code Authorization: Bearer <token>} when {@code
 * pledge.intake.auth.enabled}; health, metrics and the OpenAPI and AsyncAPI documents stay open.
 */
@ApplicationScoped
public class BearerTokenFilter {

  private static final String BEARER = "Bearer ";

  private final IntakeConfig config;
  private final CurrentCaller current;
  private final TokenStore tokens;

  BearerTokenFilter(IntakeConfig config, CurrentCaller current) {
    this.config = config;
    this.current = current;
    this.tokens = new TokenStore(Path.of(config.auth().tokensFile()));
  }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public void authenticate(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!config.auth().enabled()
        || !path.startsWith("/api/")
        || path.equals(io.pledge.intake.api.AsyncApiResource.PATH)) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String token =
        header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
            ? header.substring(BEARER.length()).trim()
            : null;
    Caller caller =
        tokens
            .authenticate(token)
            .orElseThrow(
                () ->
                    ProblemException.of(
                        401,
                        "unauthorized",
                        "Unauthorized",
                        "Send Authorization: Bearer <token> with a token from the tokens file",
                        List.of()));
    current.set(caller);
  }
}
