package io.pledge.oci.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.oci.build.Containerfile.Cmd;
import io.pledge.oci.build.Containerfile.Copy;
import io.pledge.oci.build.Containerfile.Entrypoint;
import io.pledge.oci.build.Containerfile.Env;
import io.pledge.oci.build.Containerfile.InvalidContainerfileException;
import io.pledge.oci.build.Containerfile.Label;
import io.pledge.oci.build.Containerfile.User;
import io.pledge.oci.build.Containerfile.WorkDir;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerfileTest {

  private static Containerfile parse(String... lines) throws InvalidContainerfileException {
    return Containerfile.parse(String.join("\n", lines));
  }

  @Test
  void readsAFullRecipeInOrder() throws Exception {
    Containerfile file =
        parse(
            "FROM ghcr.io/org/base:1.0",
            "COPY --chmod=755 run.sh /usr/local/bin/run",
            "ENV MODE=fast",
            "WORKDIR /work",
            "USER 1000:1000",
            "LABEL org.opencontainers.image.title=pipeline",
            "ENTRYPOINT [\"/usr/local/bin/run\"]",
            "CMD [\"--verbose\"]");

    assertThat(file.from()).isEqualTo("ghcr.io/org/base:1.0");
    assertThat(file.steps())
        .containsExactly(
            new Copy(
                List.of("run.sh"),
                "/usr/local/bin/run",
                "755",
                "COPY --chmod=755 run.sh /usr/local/bin/run"),
            new Env(Map.of("MODE", "fast")),
            new WorkDir("/work"),
            new User("1000:1000"),
            new Label(Map.of("org.opencontainers.image.title", "pipeline")),
            new Entrypoint(List.of("/usr/local/bin/run")),
            new Cmd(List.of("--verbose")));
  }

  @Test
  void fromScratchWithANamedStageIsAccepted() throws Exception {
    assertThat(parse("FROM scratch AS final", "COPY a /a").from()).isEqualTo("scratch");
  }

  @Test
  void instructionsAreCaseInsensitive() throws Exception {
    Containerfile file = parse("from busybox", "workdir /app");

    assertThat(file.from()).isEqualTo("busybox");
    assertThat(file.steps()).containsExactly(new WorkDir("/app"));
  }

  @Test
  void copyTakesSeveralSourcesAndKeepsThemInOrder() throws Exception {
    Copy copy = (Copy) parse("FROM scratch", "COPY a.yaml  b.yaml c/ /dest/").steps().get(0);

    assertThat(copy.sources()).containsExactly("a.yaml", "b.yaml", "c/");
    assertThat(copy.destination()).isEqualTo("/dest/");
    assertThat(copy.chmod()).isNull();
  }

  @Test
  void copyInJsonFormKeepsSpacesInNames() throws Exception {
    Copy copy =
        (Copy) parse("FROM scratch", "COPY [\"my file.txt\", \"/dest dir/\"]").steps().get(0);

    assertThat(copy.sources()).containsExactly("my file.txt");
    assertThat(copy.destination()).isEqualTo("/dest dir/");
  }

  @Test
  void copyOptionsMayPrecedeTheJsonForm() throws Exception {
    // Docker accepts flags before the exec-style array; the array must still be read as JSON.
    Copy copy =
        (Copy)
            parse("FROM scratch", "COPY --chmod=644 [\"my file.txt\", \"/etc/app/\"]")
                .steps()
                .get(0);

    assertThat(copy.sources()).containsExactly("my file.txt");
    assertThat(copy.destination()).isEqualTo("/etc/app/");
    assertThat(copy.chmod()).isEqualTo("644");
  }

  @Test
  void copyIgnoresChownAndLinkButRefusesOtherOptions() throws Exception {
    Copy copy = (Copy) parse("FROM scratch", "COPY --chown=1000:1000 --link a /a").steps().get(0);
    assertThat(copy.sources()).containsExactly("a");

    assertThatThrownBy(() -> parse("FROM scratch", "COPY --from=build /out /out"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("line 2 (COPY)")
        .hasMessageContaining("--from=build");
  }

  @Test
  void copyRefusesANonOctalChmod() {
    assertThatThrownBy(() -> parse("FROM scratch", "COPY --chmod=u+x a /a"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("octal");
  }

  @Test
  void copyNeedsASourceAndADestination() {
    assertThatThrownBy(() -> parse("FROM scratch", "COPY onlyone"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("expected at least one source and a destination");
  }

  @Test
  void addIsReadLikeCopyButRemoteSourcesAreRefused() throws Exception {
    Copy add = (Copy) parse("FROM scratch", "ADD --chmod=600 key.pem /etc/key.pem").steps().get(0);
    assertThat(add.sources()).containsExactly("key.pem");
    assertThat(add.chmod()).isEqualTo("600");
    assertThat(add.text()).startsWith("ADD ");

    assertThatThrownBy(() -> parse("FROM scratch", "ADD https://example.com/x.tgz /x"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("line 2 (ADD)")
        .hasMessageContaining("remote sources");
  }

  @Test
  void envTakesSeveralPairsWithQuotedValues() throws Exception {
    Env env = (Env) parse("FROM scratch", "ENV A=1 B=\"two words\" C='x y' D=").steps().get(0);

    assertThat(env.values())
        .containsExactly(
            Map.entry("A", "1"),
            Map.entry("B", "two words"),
            Map.entry("C", "x y"),
            Map.entry("D", ""));
  }

  @Test
  void envLegacyFormTakesTheRestOfTheLineAsTheValue() throws Exception {
    Env env = (Env) parse("FROM scratch", "ENV JAVA_OPTS -Xmx1g -Dx=1").steps().get(0);

    assertThat(env.values()).containsExactly(Map.entry("JAVA_OPTS", "-Xmx1g -Dx=1"));
  }

  @Test
  void envWithoutAValueIsRefused() {
    assertThatThrownBy(() -> parse("FROM scratch", "ENV LONELY"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("line 2 (ENV)");
  }

  @Test
  void labelNamesAndValuesMayBeQuoted() throws Exception {
    // The example from Docker's own LABEL reference: the quotes are not part of the name.
    Label label =
        (Label)
            parse("FROM scratch", "LABEL \"com.example.vendor\"=\"ACME Incorporated\" a=1")
                .steps()
                .get(0);

    assertThat(label.values())
        .containsExactly(Map.entry("com.example.vendor", "ACME Incorporated"), Map.entry("a", "1"));
  }

  @Test
  void labelNeedsNameEqualsValue() {
    assertThatThrownBy(() -> parse("FROM scratch", "LABEL maintainer"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("expected NAME=value, got 'maintainer'");
  }

  @Test
  void entrypointAndCmdInShellFormRunThroughTheShell() throws Exception {
    Containerfile file = parse("FROM busybox", "ENTRYPOINT exec /app --x", "CMD echo \"hi\"");

    assertThat(file.steps())
        .containsExactly(
            new Entrypoint(List.of("/bin/sh", "-c", "exec /app --x")),
            new Cmd(List.of("/bin/sh", "-c", "echo \"hi\"")));
  }

  @Test
  void anEmptyExecFormClearsTheCommand() throws Exception {
    assertThat(parse("FROM busybox", "ENTRYPOINT []").steps())
        .containsExactly(new Entrypoint(null));
  }

  @Test
  void theExecFormMustBeAnArrayOfStrings() {
    assertThatThrownBy(() -> parse("FROM busybox", "CMD [\"sleep\", 5]"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("line 2 (CMD)")
        .hasMessageContaining("JSON array of strings");
    assertThatThrownBy(() -> parse("FROM busybox", "CMD"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("expected a command");
  }

  @Test
  void userAndWorkdirMayBeQuoted() throws Exception {
    assertThat(parse("FROM busybox", "USER \"nobody\"", "WORKDIR '/my dir'").steps())
        .containsExactly(new User("nobody"), new WorkDir("/my dir"));
  }

  @Test
  void argDefaultsAreSubstitutedInBothSpellings() throws Exception {
    Containerfile file =
        parse(
            "ARG BASE=alpine:3.19",
            "FROM $BASE",
            "ARG VERSION=\"1.2\"",
            "ARG VERSION_SUFFIX=-rc",
            "LABEL version=${VERSION} full=$VERSION$VERSION_SUFFIX other=$VERSIONS");

    assertThat(file.from()).isEqualTo("alpine:3.19");
    // $VERSIONS is a different (unset) name, so it stays as written.
    assertThat(file.steps())
        .containsExactly(
            new Label(Map.of("version", "1.2", "full", "1.2-rc", "other", "$VERSIONS")));
  }

  @Test
  void anArgWithoutADefaultIsEmpty() throws Exception {
    assertThat(parse("FROM scratch", "ARG NAME", "ENV X=a${NAME}b").steps())
        .containsExactly(new Env(Map.of("X", "ab")));
  }

  @Test
  void argValuesAreInsertedLiterallyEvenWithDollarsAndBackslashes() throws Exception {
    // Single-quoted values are literal; they must not be read as regex replacements ($1, \).
    Containerfile file =
        parse(
            "FROM scratch",
            "ARG PRICE='$1'",
            "ARG WINDIR='C:\\dir'",
            "LABEL price=$PRICE dir=$WINDIR braced=${PRICE}");

    assertThat(file.steps())
        .containsExactly(new Label(Map.of("price", "$1", "dir", "C:\\dir", "braced", "$1")));
  }

  @Test
  void continuationsJoinLinesAndCommentsInsideThemAreDropped() throws Exception {
    Containerfile file =
        parse(
            "# syntax=docker/dockerfile:1",
            "",
            "FROM scratch",
            "COPY a \\",
            "  # a comment inside the instruction",
            "     b \\",
            "     /dest/",
            "  # trailing comment",
            "ENV A=1 \\   ",
            "    B=2");

    assertThat(file.steps()).hasSize(2);
    Copy copy = (Copy) file.steps().get(0);
    assertThat(copy.sources()).containsExactly("a", "b");
    assertThat(copy.destination()).isEqualTo("/dest/");
    assertThat(file.steps().get(1)).isEqualTo(new Env(Map.of("A", "1", "B", "2")));
  }

  @Test
  void windowsLineEndingsAreAccepted() throws Exception {
    assertThat(Containerfile.parse("FROM scratch\r\nWORKDIR /w\r\n").steps())
        .containsExactly(new WorkDir("/w"));
  }

  @Test
  void runIsRefusedNamingTheInstructionAndItsLine() {
    // Line 4: the comment and the blank line still count as physical lines.
    assertThatThrownBy(() -> parse("FROM busybox", "# install", "", "RUN apk add curl"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageStartingWith("Containerfile line 4 (RUN): RUN needs a container runtime");
  }

  @Test
  void aContinuedInstructionIsReportedAtItsFirstLine() {
    assertThatThrownBy(() -> parse("FROM busybox", "run apk add \\", "   curl"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("line 2 (RUN)");
  }

  @Test
  void aFileWithoutFromIsRefused() {
    assertThatThrownBy(() -> parse("# nothing here", ""))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("has no FROM");
  }

  @Test
  void anInstructionBeforeFromIsRefused() {
    assertThatThrownBy(() -> parse("COPY a /a", "FROM scratch"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("line 1 (COPY): the first instruction must be FROM");
  }

  @Test
  void aSecondFromIsRefusedAsMultiStage() {
    assertThatThrownBy(() -> parse("FROM golang AS build", "FROM scratch"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("line 2 (FROM)")
        .hasMessageContaining("multi-stage");
  }

  @Test
  void fromWithExtraWordsIsRefused() {
    assertThatThrownBy(() -> parse("FROM busybox extra"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("expected FROM <image> or FROM scratch");
  }

  @Test
  void anUnknownInstructionIsRefused() {
    assertThatThrownBy(() -> parse("FROM scratch", "FROBNICATE x"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessage("Containerfile line 2 (FROBNICATE): unknown instruction");
  }

  @Test
  void knownButUnsupportedInstructionsSaySo() {
    assertThatThrownBy(() -> parse("FROM scratch", "EXPOSE 8080"))
        .isInstanceOf(InvalidContainerfileException.class)
        .hasMessageContaining("EXPOSE is not supported");
  }
}
