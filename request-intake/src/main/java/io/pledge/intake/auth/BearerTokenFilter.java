package io.pledge.intake.auth;

import io.pledge.intake.asyncapi.AsyncApiDocument;
import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.config.IntakeConfig.Auth.Mode;
import io.pledge.intake.problem.ProblemException;
import io.quarkus.arc.ClientProxy;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates {@code /api} calls with {@code Authorization: Bearer <token>} when {@code
 * pledge.intake.auth.enabled}, against the tokens file or an OIDC provider ({@code
 * pledge.intake.auth.mode}); health, metrics and the OpenAPI and AsyncAPI documents stay open. A
 * missing or invalid token is answered 401 with a problem document in both modes.
 */
@ApplicationScoped
public class BearerTokenFilter {

  private static final String BEARER = "Bearer ";

  private final IntakeConfig config;
  private final CurrentCaller current;
  private final CallerDirectory callers;

  BearerTokenFilter(IntakeConfig config, CurrentCaller current, CallerDirectory callers) {
    this.config = config;
    this.current = current;
    this.callers = callers;
  }

  @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
  public Uni<Void> authenticate(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!config.auth().enabled()
        || !path.startsWith("/api/")
        || path.equals(AsyncApiDocument.PATH)) {
      return Uni.createFrom().voidItem();
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String token =
        header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
            ? header.substring(BEARER.length()).trim()
            : null;
    // OIDC may answer on another thread: hold this request's instance, not the scoped proxy.
    CurrentCaller caller = ClientProxy.unwrap(current);
    return callers
        .byToken(token)
        .onItem()
        .ifNull()
        .failWith(this::unauthorized)
        .invoke(caller::set)
        .replaceWithVoid();
  }

  private ProblemException unauthorized() {
    return ProblemException.of(
        401,
        "unauthorized",
        "Unauthorized",
        config.auth().mode() == Mode.OIDC
            ? "Send Authorization: Bearer <access token> with a valid, unexpired access token"
                + " from the OIDC provider"
            : "Send Authorization: Bearer <token> with a token from the tokens file",
        List.of());
  }
}
