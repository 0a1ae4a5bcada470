package io.pledge.writer.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GitStateStoresTest {

  private static final Path HOME = Path.of("/srv/pledge");

  @Test
  void aRelativePathIsRelativeToTheHome() {
    assertThat(GitStateStores.resolve("state-store.git", HOME))
        .isEqualTo("/srv/pledge/state-store.git");
    assertThat(GitStateStores.resolve("stores/../a/b.git", HOME)).isEqualTo("/srv/pledge/a/b.git");
  }

  @Test
  void everyOtherUrlIsKeptAsGiven() {
    for (String url :
        new String[] {
          "/var/git/store.git",
          "file:///var/git/store.git",
          "https://github.com/org/store.git",
          "ssh://git@github.com/org/store.git",
          "git@github.com:org/store.git",
          "host:store.git",
          "~/store.git"
        }) {
      assertThat(GitStateStores.resolve(url, HOME)).as(url).isEqualTo(url);
    }
  }

  @Test
  void withoutAHomeARelativePathStaysTheProcesss() {
    assertThat(GitStateStores.resolve("state-store.git", null)).isEqualTo("state-store.git");
  }
}
