package io.pledge.intake.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Closes an HTTP/1.x connection after an answer given before the request's body has all arrived: a
 * 413 for a body over {@code pledge.intake.max-body-size} (declared, or found while streaming), a
 * 401 before the body is read. Kept open, the connection would have to take in, or sit paused on,
 * the rest of a body nobody reads (60 MB, say); closed, the client learns at once and the server
 * holds nothing more of it. Requests whose body was read to its end keep their connection.
 */
@ApplicationScoped
public class UnreadBodyCloser {

  void install(@Observes Router router) {
    // Before every other route, so that it sees every answer, the framework's own included.
    router.route().order(-3).handler(UnreadBodyCloser::closeIfUnread);
  }

  private static void closeIfUnread(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.version() != HttpVersion.HTTP_2 && hasBody(request)) {
      ctx.addHeadersEndHandler(
          ignored -> {
            if (!request.isEnded()) {
              ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
              ctx.addEndHandler(done -> request.connection().close());
            }
          });
    }
    ctx.next();
  }

  private static boolean hasBody(HttpServerRequest request) {
    if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      return true;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null && !length.equals("0");
  }
}
