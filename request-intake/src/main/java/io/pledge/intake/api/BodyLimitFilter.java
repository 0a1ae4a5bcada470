package io.pledge.intake.api;

import io.pledge.intake.IntakeConfig;
import io.pledge.intake.problem.ProblemException;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

/**
 * Refuses a body whose declared length is over {@code pledge.intake.max-body-size} before it is
 * read. Bodies without a length are measured once read ({@link ApplyResource}).
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

  static ProblemException tooLarge(long length, IntakeConfig config) {
    return ProblemException.tooLarge(
        "The body has "
            + length
            + " bytes; at most "
            + config.maxBodySize().asLongValue()
            + " are accepted (pledge.intake.max-body-size)");
  }
}
