package io.pledge.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the bearer token comes from when {@code --token} is not given: {@code $PLEDGE_TOKEN}, then
 * {@code $PLEDGE_HOME/admin.token}, then {@code .pledge/admin.token} (what deploy/local/up writes).
 */
final class TokenSource {

  private TokenSource() {}

  /** The token, or null to send none (request-intake without auth). */
  static String find(Map<String, String> env, Path workDir) {
    String token = env.get("PLEDGE_TOKEN");
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    String home = env.get("PLEDGE_HOME");
    if (home != null && !home.isBlank()) {
      String fromHome = read(workDir.resolve(home).resolve("admin.token"));
      if (fromHome != null) {
        return fromHome;
      }
    }
    return read(workDir.resolve(".pledge/admin.token"));
  }

  private static String read(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      String token = Files.readString(file).strip();
      return token.isEmpty() ? null : token;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token file " + file, e);
    }
  }
}
