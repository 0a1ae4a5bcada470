package io.pledge.intake.problem;

import io.pledge.contract.request.Problem;
import io.pledge.contract.request.Problem.FieldError;
import java.util.List;

/**
 * A request that cannot be served, carrying the RFC 7807 problem to answer. Pure logic throws it;
 * the REST layer maps it to {@code application/problem+json}.
 */
public class ProblemException extends RuntimeException {

  /** The media type of an RFC 7807 problem body. */
  public static final String MEDIA_TYPE = "application/problem+json";

  private static final String BASE = "https://pledge.io/problems/";

  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail());
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  public static ProblemException of(
      int status, String slug, String title, String detail, List<FieldError> errors) {
    return new ProblemException(new Problem(BASE + slug, title, status, detail, errors));
  }

  /** 400: the body is not well-formed YAML or JSON, or holds something that is not an object. */
  public static ProblemException malformed(String detail) {
    return of(400, "malformed-document", "Malformed document", detail, List.of());
  }

  /** 404: nothing of that name exists. */
  public static ProblemException notFound(String detail) {
    return of(404, "not-found", "Not found", detail, List.of());
  }

  /** 404: no Promise offers the document's apiVersion and kind. */
  public static ProblemException unknownKind(String detail) {
    return of(404, "unknown-kind", "Unknown kind", detail, List.of());
  }

  /** 422: the documents are well-formed but invalid; one entry per failing field. */
  public static ProblemException invalid(String detail, List<FieldError> errors) {
    return of(422, "invalid-document", "Invalid document", detail, errors);
  }

  /** 413: the body is larger than the configured limit. */
  public static ProblemException tooLarge(String detail) {
    return of(413, "body-too-large", "Request body too large", detail, List.of());
  }

  /**
   * 503: the service cannot take writes now (tables still being read, the resource owner down, or
   * the broker did not answer).
   */
  public static ProblemException unavailable(String detail) {
    return of(503, "unavailable", "Service unavailable", detail, List.of());
  }
}
