package io.pledge.intake.api;

import io.pledge.intake.config.IntakeConfig;
import io.pledge.intake.problem.ProblemException;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses a body whose declared length is over {@code pledge.intake.max-body-size} before it is
 * read; a chunked body is refused by {@link #read} as soon as it has crossed the limit. Either way
 * no more than the limit is ever held, and the connection is closed after the 413 ({@link
 * UnreadBodyCloser}).
 */
@jakarta.ws.rs.ext.Provider
@PreMatching
public class BodyLimitFilter implements ContainerRequestFilter {

  // Providers are built before runtime configuration is available: look it up per request.
  private final Provider<IntakeConfig> config;

  BodyLimitFilter(Provider<IntakeConfig> config) {
    this.config = config;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    int length = request.getLength();
    if (length > 0 && length > config.get().maxBodySize().asLongValue()) {
      throw tooLarge(length, config.get());
    }
  }

  /**
   * Reads a body up to the limit, and not a byte further.
   *
   * @throws ProblemException 413 as soon as the body has crossed the limit
   */
  static byte[] read(InputStream body, IntakeConfig config) {
    long max = config.maxBodySize().asLongValue();
    try {
      byte[] bytes = body.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
      if (bytes.length > max) {
        throw ProblemException.tooLarge(
            "The body is over " + max + " bytes, the most accepted (pledge.intake.max-body-size)");
      }
      return bytes;
    } catch (IOException e) {
      throw ProblemException.malformed("The body could not be read: " + e.getMessage());
    }
  }

  private static ProblemException tooLarge(long length, IntakeConfig config) {
    return ProblemException.tooLarge(
        "The body has "
            + length
            + " bytes; at most "
            + config.maxBodySize().asLongValue()
            + " are accepted (pledge.intake.max-body-size)");
  }
}
