package io.pledge.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String CONFIG =
      """
      {
        "architecture": "amd64",
        "os": "linux",
        "config": {
          "User": "1000:1000",
          "Env": ["PATH=/usr/local/bin:/usr/bin", "MODE=fast", "EMPTY="],
          "Entrypoint": ["/usr/local/bin/pipeline", "--strict"],
          "Cmd": ["run"],
          "WorkingDir": "/work",
          "Labels": {"a": "b"}
        },
        "rootfs": {"type": "layers", "diff_ids": []}
      }
      """;

  @Test
  void readsHowToRunTheImage() throws Exception {
    ImageConfig config = ImageConfig.parse(JSON.readTree(CONFIG));

    assertThat(config.entrypoint()).containsExactly("/usr/local/bin/pipeline", "--strict");
    assertThat(config.cmd()).containsExactly("run");
    assertThat(config.env()).containsExactly("PATH=/usr/local/bin:/usr/bin", "MODE=fast", "EMPTY=");
    assertThat(config.workingDir()).isEqualTo("/work");
    assertThat(config.user()).isEqualTo("1000:1000");
  }

  @Test
  void readsTheSameFromAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, CONFIG);

    assertThat(ImageConfig.read(file)).isEqualTo(ImageConfig.parse(JSON.readTree(CONFIG)));
  }

  @Test
  void unsetAndNullFieldsAreEmptyOrNull() throws Exception {
    // Docker writes "Entrypoint": null and "WorkingDir": "" for images that set neither.
    ImageConfig config =
        ImageConfig.parse(
            JSON.readTree(
                "{\"config\": {\"Entrypoint\": null, \"Cmd\": [\"sh\"], \"WorkingDir\": \"\","
                    + " \"User\": \"  \"}}"));

    assertThat(config.entrypoint()).isEmpty();
    assertThat(config.cmd()).containsExactly("sh");
    assertThat(config.env()).isEmpty();
    assertThat(config.workingDir()).isNull();
    assertThat(config.user()).isNull();
  }

  @Test
  void aDocumentWithoutAConfigSectionRunsWithDefaults() throws Exception {
    ImageConfig expected = new ImageConfig(List.of(), List.of(), List.of(), null, null);

    assertThat(ImageConfig.parse(JSON.readTree("{\"architecture\": \"amd64\"}")))
        .isEqualTo(expected);
    assertThat(ImageConfig.parse(JSON.readTree("{\"config\": null}"))).isEqualTo(expected);
    assertThat(ImageConfig.parse(null)).isEqualTo(expected);
  }

  @Test
  void theListsCannotBeChangedByCallers() throws Exception {
    ImageConfig config = ImageConfig.parse(JSON.readTree(CONFIG));

    assertThat(config.env()).isUnmodifiable();
    assertThat(config.entrypoint()).isUnmodifiable();
  }
}
