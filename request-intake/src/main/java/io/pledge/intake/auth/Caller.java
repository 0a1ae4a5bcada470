package io.pledge.intake.auth;

import java.util.Set;

/**
 * An authenticated caller.
 *
 * @param name who it is; recorded as the requester of what it applies
 * @param roles {@code platform-admin} (everything) and/or {@code requester}
 * @param namespaces where a requester may apply, read, delete and reconcile resource requests;
 *     {@code *} means every namespace
 */
public record Caller(String name, Set<String> roles, Set<String> namespaces) {

  public static final String PLATFORM_ADMIN = "platform-admin";
  public static final String REQUESTER = "requester";

  /** Everyone, when authentication is off. */
  public static final Caller ANONYMOUS_ADMIN =
      new Caller(null, Set.of(PLATFORM_ADMIN), Set.of("*"));

  public boolean admin() {
    return roles.contains(PLATFORM_ADMIN);
  }

  /** May this caller work with resource requests in {@code namespace}? */
  public boolean mayUseNamespace(String namespace) {
    return admin()
        || (roles.contains(REQUESTER)
            && (namespaces.contains("*") || namespaces.contains(namespace)));
  }
}
