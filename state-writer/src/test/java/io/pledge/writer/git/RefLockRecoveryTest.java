package io.pledge.writer.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.testkit.git.GitFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefLockRecoveryTest {

  @TempDir Path tmp;

  @Test
  void aStoreOnThisMachineIsFoundByFileUrlOrPath() {
    Path remote = GitFixtures.bareRepository(tmp.resolve("remote.git"), "main");

    assertThat(RefLockRecovery.localRepository(remote.toUri().toString())).isEqualTo(remote);
    assertThat(RefLockRecovery.localRepository(remote.toString())).isEqualTo(remote);
  }

  @Test
  void aStoreReachedOverTheNetworkIsNotTheWritersToUnlock() {
    assertThat(RefLockRecovery.localRepository("https://git.example/state.git")).isNull();
    assertThat(RefLockRecovery.localRepository("ssh://git@git.example/state.git")).isNull();
    assertThat(RefLockRecovery.localRepository("git@git.example:org/state.git")).isNull();
  }
}
