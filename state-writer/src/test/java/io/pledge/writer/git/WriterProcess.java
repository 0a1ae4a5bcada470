package io.pledge.writer.git;

import io.pledge.writer.store.FolderChange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One Git write of the state writer in a process of its own, for tests that kill it mid-write.
 * Arguments: the store's URL, the local copy, a file path and its content.
 */
public final class WriterProcess {

  private WriterProcess() {}

  public static void main(String[] args) throws Exception {
    Path localDir = Path.of(args[1]);
    try (GitStateStore store =
        new GitStateStore(
            "GitStateStore/killed",
            args[0],
            "main",
            "kratix",
            "kratix@pledge.io",
            new GitCredentials(localDir.resolveSibling("secrets"), null, null),
            localDir,
            3,
            Duration.ofMillis(1))) {
      store.write(
          List.of(new FolderChange.PutFile(args[2], args[3].getBytes(StandardCharsets.UTF_8))),
          "Update from: a writer about to be killed");
    }
  }
}
