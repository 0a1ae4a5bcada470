package io.pledge.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs {@code pledge} in this JVM in a folder, with HOME there; each call's output kept apart. */
final class CliRun {

  private final Path dir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  CliRun(Path dir) {
    this.dir = dir;
  }

  int pledge(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CliContext context =
        new CliContext(
            new PrintWriter(out),
            new PrintWriter(err),
            new ByteArrayInputStream(new byte[0]),
            Map.of("HOME", dir.toString()),
            dir);
    return PledgeCommand.run(context, args);
  }

  /** What the last call printed on standard output. */
  String out() {
    return out.toString();
  }

  /** What the last call printed on standard error. */
  String err() {
    return err.toString();
  }
}
