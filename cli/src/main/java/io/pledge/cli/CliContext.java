package io.pledge.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What one invocation sees of the outside world: its streams, environment and working directory.
 * Tests pass their own.
 */
public record CliContext(
    PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, Path workDir) {

  static Path cwd() {
    return Path.of("").toAbsolutePath();
  }
}
