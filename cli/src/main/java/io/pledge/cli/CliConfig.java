package io.pledge.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pledge.contract.kratix.KratixDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's config file, as a kubeconfig is to kubectl: named contexts (a server and a token) and
 * the current one. At {@code $PLEDGECONFIG}, else {@code $HOME/.pledge/config}.
 *
 * @param currentContext the context used when no {@code --context} is given
 * @param contexts every context
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CliConfig(@JsonProperty("current-context") String currentContext, List<Context> contexts) {

  /**
   * @param name the context's name
   * @param server request-intake's URL
   * @param token the bearer token, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Context(String name, String server, String token) {}

  static CliConfig empty() {
    return new CliConfig(null, List.of());
  }

  /** Where the file is for this invocation. */
  static Path location(Map<String, String> env, Path workDir) {
    String explicit = env.get("PLEDGECONFIG");
    if (explicit != null && !explicit.isBlank()) {
      return workDir.resolve(explicit);
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return Path.of(home).resolve(".pledge").resolve("config");
  }

  /** The file's content; empty when there is no file yet. */
  static CliConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      return empty();
    }
    try {
      CliConfig config = KratixDocuments.YAML.readValue(file.toFile(), CliConfig.class);
      return new CliConfig(
          config.currentContext(),
          config.contexts() == null ? List.of() : List.copyOf(config.contexts()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes the file, readable by its owner only (it holds tokens). */
  void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, KratixDocuments.YAML.writeValueAsString(this));
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the platform's defaults apply
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  Optional<Context> context(String name) {
    return contexts.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The context in use: {@code name} when given, else the current one. */
  Optional<Context> selected(String name) {
    return context(name != null ? name : currentContext == null ? "" : currentContext);
  }

  /** With {@code context} added, or replacing the one of its name. */
  CliConfig with(Context context) {
    List<Context> next = new ArrayList<>(contexts);
    next.removeIf(c -> c.name().equals(context.name()));
    next.add(context);
    return new CliConfig(currentContext, next);
  }

  CliConfig using(String name) {
    return new CliConfig(name, contexts);
  }
}
