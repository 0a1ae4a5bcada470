package io.pledge.bench.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;

/**
 * A named pipe in place of a branch's reflog in a bare repository, with {@code
 * core.logAllRefUpdates} on: a push to that branch takes the ref lock, then blocks opening the
 * reflog for writing, holding the lock until it is killed. Closing removes the pipe, puts back the
 * reflog and the setting as they were, which lets no push through that is still blocked (its
 * process is dead by then).
 */
final class ReflogPipe implements AutoCloseable {

  private final Path pipe;
  private final Path savedReflog;
  private final FileBasedConfig config;
  private final String previous;

  private ReflogPipe(Path pipe, Path savedReflog, FileBasedConfig config, String previous) {
    this.pipe = pipe;
    this.savedReflog = savedReflog;
    this.config = config;
    this.previous = previous;
  }

  static ReflogPipe install(Path bareRepository, String branch)
      throws IOException, InterruptedException {
    FileBasedConfig config =
        new FileBasedConfig(bareRepository.resolve("config").toFile(), FS.DETECTED);
    try {
      config.load();
    } catch (org.eclipse.jgit.errors.ConfigInvalidException e) {
      throw new IOException("cannot read " + bareRepository.resolve("config"), e);
    }
    String previous =
        config.getString(
            ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES);
    Path pipe = bareRepository.resolve("logs/refs/heads/" + branch);
    Files.createDirectories(pipe.getParent());
    Path saved = null;
    if (Files.exists(pipe)) {
      saved = pipe.resolveSibling(branch + ".bench-saved");
      Files.move(pipe, saved, StandardCopyOption.REPLACE_EXISTING);
    }
    Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
    if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
      throw new IOException("mkfifo " + pipe + " failed");
    }
    config.setBoolean(
        ConfigConstants.CONFIG_CORE_SECTION,
        null,
        ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES,
        true);
    config.save();
    return new ReflogPipe(pipe, saved, config, previous);
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(pipe);
    if (savedReflog != null) {
      Files.move(savedReflog, pipe, StandardCopyOption.REPLACE_EXISTING);
    }
    if (previous == null) {
      config.unset(
          ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES);
    } else {
      config.setString(
          ConfigConstants.CONFIG_CORE_SECTION,
          null,
          ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES,
          previous);
    }
    config.save();
  }
}
