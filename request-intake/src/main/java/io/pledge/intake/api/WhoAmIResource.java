package io.pledge.intake.api;

import io.pledge.intake.auth.Caller;
import io.pledge.intake.auth.CurrentCaller;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Who the bearer token names: the console shows it, and the platform pages to admins only. */
@Path("/api/v1/whoami")
@Tag(name = "auth")
public class WhoAmIResource {

  /**
   * @param name null when authentication is off
   * @param admin whether the caller has the platform-admin role
   */
  public record WhoAmI(String name, List<String> roles, List<String> namespaces, boolean admin) {}

  private final CurrentCaller caller;

  WhoAmIResource(CurrentCaller caller) {
    this.caller = caller;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "The caller the bearer token names: name, roles and namespaces")
  public WhoAmI whoami() {
    Caller who = caller.get();
    return new WhoAmI(
        who.name(),
        who.roles().stream().sorted().toList(),
        who.namespaces().stream().sorted().toList(),
        who.admin());
  }
}
