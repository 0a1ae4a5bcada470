package io.pledge.intake.auth;

import com.fasterxml.jackson.databind.JsonNode;
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
    Permissions.requireAdmin(caller, what);
  }

  /** Whether the caller may work with resource requests in {@code namespace}. */
  public boolean mayUseNamespace(String namespace) {
    return caller.mayUseNamespace(namespace);
  }

  public void requireNamespace(String namespace) {
    Permissions.requireNamespace(caller, namespace);
  }

  /** See {@link Permissions#requireMayApply}. */
  public void requireMayApply(List<JsonNode> documents, String defaultNamespace) {
    Permissions.requireMayApply(caller, documents, defaultNamespace);
  }
}
