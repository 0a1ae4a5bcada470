package io.pledge.intake.auth;

import io.pledge.intake.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import java.util.List;

/** The caller of the current REST request, set by {@link BearerTokenFilter}. */
@RequestScoped
public class CurrentCaller {

  private Caller caller = Caller.ANONYMOUS_ADMIN;

  void set(Caller caller) {
    this.caller = caller;
  }

  public Caller get() {
    return caller;
  }

  /** The name recorded as requester; null when authentication is off. */
  public String name() {
    return caller.name();
  }

  /** Platform objects (Promises, Destinations, state stores) are the platform team's. */
  public void requireAdmin(String what) {
    if (!caller.admin()) {
      throw forbidden(caller.name() + " may not " + what + " (needs role platform-admin)");
    }
  }

  public void requireNamespace(String namespace) {
    if (!caller.mayUseNamespace(namespace)) {
      throw forbidden(caller.name() + " may not use resource requests in namespace " + namespace);
    }
  }

  static ProblemException forbidden(String detail) {
    return ProblemException.of(403, "forbidden", "Forbidden", detail, List.of());
  }
}
