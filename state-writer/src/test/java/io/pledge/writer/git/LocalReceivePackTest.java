package io.pledge.writer.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalReceivePackTest {

  @TempDir Path tmp;

  @Test
  void onlyPathsAndFileUrlsAreOnThisMachine() {
    assertThat(LocalReceivePack.isLocal("/srv/git/state.git")).isTrue();
    assertThat(LocalReceivePack.isLocal("file:///srv/git/state.git")).isTrue();
    assertThat(LocalReceivePack.isLocal("https://github.com/acme/state.git")).isFalse();
    assertThat(LocalReceivePack.isLocal("ssh://git@github.com/acme/state.git")).isFalse();
    assertThat(LocalReceivePack.isLocal("git@github.com:acme/state.git")).isFalse();
    assertThat(LocalReceivePack.forUrl("https://github.com/acme/state.git")).isEmpty();
  }

  @Test
  void findsTheProgramByItsAbsolutePathOnThePath() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Path bin = Files.createDirectory(tmp.resolve("bin"));
    Path program =
        Files.createFile(
            bin.resolve("git-receive-pack"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

    assertThat(LocalReceivePack.find(empty + ":" + bin)).contains(program.toString());
    assertThat(LocalReceivePack.find(empty.toString())).isEmpty();
    assertThat(LocalReceivePack.find(null)).isEmpty();
  }
}
