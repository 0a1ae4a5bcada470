package io.pledge.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainersConfigTest {

  @TempDir Path home;
  @TempDir Path elsewhere;

  /** An environment whose HOME is the test's fake home, so the real user's files never count. */
  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private static Path write(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"auths\": {}}");
    return file;
  }

  @Test
  void registryAuthFileWinsOverTheDockerFiles() throws Exception {
    Path explicit = write(elsewhere.resolve("auth.json"));
    Path dockerConfig = elsewhere.resolve("docker");
    write(dockerConfig.resolve("config.json"));
    write(home.resolve(".docker/config.json"));

    ContainersConfig config =
        ContainersConfig.fromEnvironment(
            env(
                "REGISTRY_AUTH_FILE",
                explicit.toString(),
                "DOCKER_CONFIG",
                dockerConfig.toString()));

    assertThat(config.authFile()).isEqualTo(explicit);
  }

  @Test
  void dockerConfigFolderComesBeforeTheHomeFolder() throws Exception {
    Path dockerConfig = elsewhere.resolve("docker");
    Path inDockerConfig = write(dockerConfig.resolve("config.json"));
    write(home.resolve(".docker/config.json"));

    ContainersConfig config =
        ContainersConfig.fromEnvironment(env("DOCKER_CONFIG", dockerConfig.toString()));

    assertThat(config.authFile()).isEqualTo(inDockerConfig);
  }

  @Test
  void aDockerConfigFolderWithoutConfigJsonFallsBackToHome() throws Exception {
    Path inHome = write(home.resolve(".docker/config.json"));

    ContainersConfig config =
        ContainersConfig.fromEnvironment(env("DOCKER_CONFIG", elsewhere.toString()));

    assertThat(config.authFile()).isEqualTo(inHome);
  }

  @Test
  void theHomeFolderIsUsedWhenNothingElseIsSet() throws Exception {
    Path inHome = write(home.resolve(".docker/config.json"));

    assertThat(ContainersConfig.fromEnvironment(env()).authFile()).isEqualTo(inHome);
  }

  @Test
  void noCredentialsFileMeansNone() throws Exception {
    // A folder where the file should be is not a credentials file either.
    Files.createDirectories(home.resolve(".docker/config.json"));

    ContainersConfig config =
        ContainersConfig.fromEnvironment(env("DOCKER_CONFIG", elsewhere.toString()));

    assertThat(config.authFile()).isNull();
  }

  @Test
  void blankVariablesCountAsUnset() throws Exception {
    Path inHome = write(home.resolve(".docker/config.json"));

    ContainersConfig config =
        ContainersConfig.fromEnvironment(
            env("REGISTRY_AUTH_FILE", " ", "DOCKER_CONFIG", "", "CONTAINERS_REGISTRIES_CONF", ""));

    assertThat(config.authFile()).isEqualTo(inHome);
    assertThat(config.registriesConf()).isNull();
  }

  @Test
  void registriesConfComesFromItsVariableAndReachesTheTool() {
    Path conf = elsewhere.resolve("registries.conf");

    ContainersConfig config =
        ContainersConfig.fromEnvironment(env("CONTAINERS_REGISTRIES_CONF", conf.toString()));

    assertThat(config.registriesConf()).isEqualTo(conf);
    assertThat(config.environment())
        .containsExactly(Map.entry("CONTAINERS_REGISTRIES_CONF", conf.toString()));
  }

  @Test
  void withoutRegistriesConfTheToolGetsNoExtraEnvironment() {
    ContainersConfig config = ContainersConfig.fromEnvironment(env());

    assertThat(config.registriesConf()).isNull();
    assertThat(config.environment()).isEmpty();
  }

  @Test
  void aPolicyInTheHomeFolderIsNoticed() throws Exception {
    write(home.resolve(".config/containers/policy.json"));

    // No system-wide policy, so that only the home folder's can make it true.
    assertThat(
            ContainersConfig.fromEnvironment(env(), home.resolve("no-such-policy.json"))
                .policyPresent())
        .isTrue();
  }

  @Test
  void withoutAnyPolicyFileImagesAreAcceptedUnsigned() {
    // The system-wide policy is looked for where this test says: nowhere.
    Path noSystemPolicy = home.resolve("no-such-policy.json");

    assertThat(ContainersConfig.fromEnvironment(env(), noSystemPolicy).policyPresent()).isFalse();
  }

  @Test
  void withersReplaceOnlyTheirOwnPart() {
    ContainersConfig config = new ContainersConfig(Path.of("/a.conf"), Path.of("/auth.json"), true);

    assertThat(config.withRegistriesConf(Path.of("/b.conf")))
        .isEqualTo(new ContainersConfig(Path.of("/b.conf"), Path.of("/auth.json"), true));
    assertThat(config.withAuthFile(null))
        .isEqualTo(new ContainersConfig(Path.of("/a.conf"), null, true));
  }
}
