package io.pledge.contract.request;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 7807 problem detail, as answered by the REST API and carried by rejection events.
 *
 * @param type a URI naming the problem class
 * @param title a short summary of the problem class
 * @param status the HTTP status code
 * @param detail what went wrong with this request
 * @param errors one entry per failing field, for validation problems
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
    String type, String title, int status, String detail, List<FieldError> errors) {

  /**
   * One field that failed validation.
   *
   * @param path a JSON Pointer-like path, e.g. {@code /spec/size}
   * @param message why it failed
   */
  public record FieldError(String path, String message) {}
}
