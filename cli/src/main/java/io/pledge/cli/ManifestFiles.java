package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.kratix.KratixDocuments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** kubectl's {@code -f FILE|DIR|-} and {@code -R}, for apply, diff and delete. */
final class ManifestFiles {

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "<file>",
      description =
          "a YAML file (documents separated by ---), a directory (its .yaml/.yml/.json files), or"
              + " - for standard input")
  List<String> files;

  @Option(
      names = {"-R", "--recursive"},
      description = "also the files in the subdirectories of a directory given with -f")
  boolean recursive;

  boolean given() {
    return files != null && !files.isEmpty();
  }

  /** Each file's bytes, in name order within a directory. */
  List<byte[]> read(CliContext context) throws IOException {
    return Manifests.read(context, files, recursive);
  }

  /** Every document of every file, in order. */
  List<JsonNode> documents(CliContext context) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    for (byte[] yaml : read(context)) {
      documents.addAll(KratixDocuments.readAll(new String(yaml, StandardCharsets.UTF_8)));
    }
    return documents;
  }
}
