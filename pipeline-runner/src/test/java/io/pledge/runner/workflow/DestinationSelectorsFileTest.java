package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.runner.outcome.PipelineFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DestinationSelectorsFileTest {

  @Test
  void readsDirectoriesAndTreatsAMissingDirectoryAsTheDefaultGroup() throws Exception {
    List<DestinationSelectorsFile.Entry> entries =
        DestinationSelectorsFile.parse(
            """
            - matchLabels:
                env: dev
            - directory: ./dest1/
              matchLabels:
                zone: eu
            """);

    assertThat(entries)
        .containsExactly(
            new DestinationSelectorsFile.Entry(".", Map.of("env", "dev")),
            new DestinationSelectorsFile.Entry("dest1", Map.of("zone", "eu")));
    assertThat(entries.get(0).isDefault()).isTrue();
  }

  @Test
  void anAbsentOrEmptyFileHasNoEntries() throws Exception {
    assertThat(DestinationSelectorsFile.parse(null)).isEmpty();
    assertThat(DestinationSelectorsFile.parse("  \n")).isEmpty();
  }

  @Test
  void rejectsAnEntryWithoutMatchLabels() {
    assertThatThrownBy(
            () ->
                DestinationSelectorsFile.parse(
                    "- directory: a\n- directory: b\n  matchLabels: {}\n"))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("index 0 has no selectors");
  }

  @Test
  void rejectsADuplicatedDirectory() {
    assertThatThrownBy(
            () ->
                DestinationSelectorsFile.parse(
                    """
                    - directory: a
                      matchLabels: {x: y}
                    - directory: a/
                      matchLabels: {x: z}
                    """))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("duplicate");
  }

  @Test
  void rejectsTwoDefaultEntriesEvenWhenSpelledDifferently() {
    assertThatThrownBy(
            () ->
                DestinationSelectorsFile.parse(
                    """
                    - matchLabels: {x: y}
                    - directory: "."
                      matchLabels: {x: z}
                    """))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("duplicate");
  }

  @Test
  void rejectsASubDirectory() {
    assertThatThrownBy(
            () -> DestinationSelectorsFile.parse("- directory: a/b\n  matchLabels: {x: y}\n"))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("sub-directories are not allowed");
  }

  @Test
  void rejectsADirectoryOutsideTheOutput() {
    assertThatThrownBy(
            () -> DestinationSelectorsFile.parse("- directory: ..\n  matchLabels: {x: y}\n"))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("escapes");
  }

  @Test
  void rejectsAFileThatIsNotAList() {
    assertThatThrownBy(() -> DestinationSelectorsFile.parse("matchLabels: {x: y}\n"))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("list");
  }
}
