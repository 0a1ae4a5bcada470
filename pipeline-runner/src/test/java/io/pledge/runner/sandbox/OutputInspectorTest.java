package io.pledge.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputInspectorTest {

  @TempDir Path dir;

  private final OutputInspector inspector = new OutputInspector(100, 3);

  @Test
  void acceptsPlainFilesAndFolders() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/b/c.yaml"), "c");
    Files.writeString(dir.resolve("a.yaml"), "a");

    assertThat(inspector.violation(dir, "/kratix/output")).isEmpty();
    OutputTree tree = OutputInspector.read(dir);
    assertThat(tree.files())
        .extracting(OutputTree.OutputFile::path)
        .containsExactly("a/b/c.yaml", "a.yaml");
    assertThat(tree.topLevelDirectories()).containsExactly("a");
  }

  @Test
  void rejectsASymbolicLinkWhereverItPoints() throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("sub/passwd"), Path.of("/etc/passwd"));

    assertThat(inspector.violation(dir, "/kratix/output"))
        .get()
        .asString()
        .contains("escapes /kratix/output", "sub/passwd", "/etc/passwd");
  }

  @Test
  void rejectsALinkToAFolderInsideTheOutputToo() throws Exception {
    Files.createDirectories(dir.resolve("real"));
    Files.createSymbolicLink(dir.resolve("alias"), Path.of("real"));

    assertThat(inspector.violation(dir, "/kratix/output")).isPresent();
  }

  @Test
  void rejectsTooManyFiles() throws Exception {
    for (int i = 0; i < 4; i++) {
      Files.writeString(dir.resolve("f" + i), "x");
    }

    assertThat(inspector.violation(dir, "/kratix/output"))
        .get()
        .asString()
        .contains("more than 3 files");
  }

  @Test
  void countsEmptyDirectoriesButNotTheDirectoriesHoldingThem() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/f"), "x");
    Files.createDirectories(dir.resolve("c"));

    assertThat(inspector.violation(dir, "/kratix/output")).isEmpty();

    Files.createDirectories(dir.resolve("d"));

    assertThat(inspector.violation(dir, "/kratix/output"))
        .get()
        .asString()
        .contains("more than 3 files and empty directories");
  }

  @Test
  void refusesAnOutputNameWithABackslashButNotAScratchFileInMetadata() throws Exception {
    Files.writeString(dir.resolve("a\\b.yaml"), "x");

    assertThat(inspector.violation(dir, "/kratix/output"))
        .get()
        .asString()
        .contains("\"/kratix/output/a\\\\b.yaml\" holds a backslash");
    assertThat(inspector.violation(dir, "/kratix/metadata")).isEmpty();
  }

  @Test
  void rejectsTooManyBytes() throws Exception {
    Files.writeString(dir.resolve("big"), "x".repeat(101));

    assertThat(inspector.violation(dir, "/kratix/output"))
        .get()
        .asString()
        .contains("more than 100 bytes");
  }
}
