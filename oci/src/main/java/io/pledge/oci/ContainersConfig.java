package io.pledge.oci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the containers ecosystem's configuration files are, found by its own conventions rather
 * than by Pledge keys:
 *
 * <ul>
 *   <li>{@code registries.conf} v2 (mirrors, {@code prefix}/{@code location} remaps, {@code
 *       insecure}, {@code blocked}): {@code CONTAINERS_REGISTRIES_CONF}, else {@code
 *       /etc/containers/registries.conf}; handed to skopeo as {@code --registries-conf}.
 *   <li>credentials: {@code REGISTRY_AUTH_FILE}, else {@code $DOCKER_CONFIG/config.json}, else
 *       {@code ~/.docker/config.json} ({@code auths} entries with {@code auth} or {@code
 *       identitytoken}); the first that exists is handed to skopeo as {@code --authfile}.
 *   <li>the signature policy ({@code policy.json}): used when present; without one, images are
 *       accepted unsigned, as Kubernetes does.
 * </ul>
 *
 * @param registriesConf the registries.conf to use, or null for the tool's default
 * @param authFile the credentials file, or null when none exists
 * @param policyPresent whether a signature policy file exists
 */
public record ContainersConfig(Path registriesConf, Path authFile, boolean policyPresent) {

  /** Reads the conventions from {@code env} (normally {@link System#getenv()}). */
  public static ContainersConfig fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, SYSTEM_POLICY);
  }

  /** The system-wide signature policy skopeo reads. */
  static final Path SYSTEM_POLICY = Path.of("/etc/containers/policy.json");

  /** The same, with the system-wide policy at {@code systemPolicy}. */
  static ContainersConfig fromEnvironment(Map<String, String> env, Path systemPolicy) {
    Path registries = pathOf(env.get("CONTAINERS_REGISTRIES_CONF"));
    Path home = pathOf(env.getOrDefault("HOME", System.getProperty("user.home")));
    Path auth = pathOf(env.get("REGISTRY_AUTH_FILE"));
    if (auth == null && pathOf(env.get("DOCKER_CONFIG")) != null) {
      auth = existing(pathOf(env.get("DOCKER_CONFIG")).resolve("config.json"));
    }
    if (auth == null && home != null) {
      auth = existing(home.resolve(".docker/config.json"));
    }
    boolean policy =
        Files.isRegularFile(systemPolicy)
            || (home != null
                && Files.isRegularFile(home.resolve(".config/containers/policy.json")));
    return new ContainersConfig(registries, auth, policy);
  }

  /** The same, with this registries.conf. */
  public ContainersConfig withRegistriesConf(Path file) {
    return new ContainersConfig(file, authFile, policyPresent);
  }

  /** The same, with this credentials file. */
  public ContainersConfig withAuthFile(Path file) {
    return new ContainersConfig(registriesConf, file, policyPresent);
  }

  /** Environment for the tool's process. */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    if (registriesConf != null) {
      env.put("CONTAINERS_REGISTRIES_CONF", registriesConf.toString());
    }
    return env;
  }

  private static Path pathOf(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  private static Path existing(Path file) {
    return Files.isRegularFile(file) ? file : null;
  }
}
