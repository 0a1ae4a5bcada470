package io.pledge.oci;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.oci.LayerScanner.RefusedLayerException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerScannerTest {

  private static final String TAR = "application/vnd.oci.image.layer.v1.tar";
  private static final String TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

  @TempDir Path blobs;

  private final LayerScanner scanner = new LayerScanner(1_000, 1_000_000);

  /** Writes a layer tarball, entry names exactly as given (absolute ones are kept absolute). */
  private static final class Tar {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final OutputStream sink;
    private final TarArchiveOutputStream out;

    Tar(boolean gzip) throws IOException {
      sink = gzip ? new GzipCompressorOutputStream(bytes) : bytes;
      out = new TarArchiveOutputStream(sink);
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    Tar dir(String name) throws IOException {
      return put(new TarArchiveEntry(name, TarConstants.LF_DIR, true), new byte[0]);
    }

    Tar file(String name, String content) throws IOException {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry(name, true);
      entry.setSize(data.length);
      return put(entry, data);
    }

    Tar symlink(String name, String target) throws IOException {
      TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
      entry.setLinkName(target);
      return put(entry, new byte[0]);
    }

    Tar hardlink(String name, String target) throws IOException {
      TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
      entry.setLinkName(target);
      return put(entry, new byte[0]);
    }

    private Tar put(TarArchiveEntry entry, byte[] data) throws IOException {
      out.putArchiveEntry(entry);
      out.write(data);
      out.closeArchiveEntry();
      return this;
    }

    byte[] finish() throws IOException {
      out.close();
      return bytes.toByteArray();
    }
  }

  private static Tar tar() throws IOException {
    return new Tar(false);
  }

  private static Tar tarGz() throws IOException {
    return new Tar(true);
  }

  /** Stores the blob as an OCI layout does (blobs/sha256/<hex>) and describes it. */
  private Manifest.Layer layer(Tar tar, String mediaType) throws IOException {
    return layer(tar.finish(), mediaType);
  }

  private Manifest.Layer layer(byte[] data, String mediaType) throws IOException {
    String digest = Manifest.digestOf(data);
    Path file = blobs.resolve(digest.replace(':', '/'));
    Files.createDirectories(file.getParent());
    Files.write(file, data);
    return new Manifest.Layer(digest, data.length, mediaType);
  }

  private Manifest.Layer layer(Tar tar) throws IOException {
    return layer(tar, TAR);
  }

  private void check(Manifest.Layer... layers) throws RefusedLayerException {
    scanner.check(List.of(layers), blobs);
  }

  @Test
  void anOrdinaryGzipLayerPasses() throws Exception {
    Manifest.Layer base =
        layer(
            tarGz()
                .dir("bin/")
                .file("bin/busybox", "ELF")
                .symlink("bin/sh", "busybox")
                .hardlink("bin/ls", "bin/busybox")
                .dir("usr/lib/")
                .file("./usr/lib/libc.so", "lib")
                // Links that stay inside, even climbing, and writes through them are fine.
                .symlink("lib64", "usr/lib")
                .file("lib64/ld.so", "ld")
                .symlink("usr/bin", "../bin")
                .file("usr/bin/env", "env")
                .symlink("usr/lib/alt/java", "../../../opt/java")
                .dir("etc/")
                .file("etc/os-release", "ID=test\n"),
            TAR_GZIP);

    assertThatCode(() -> check(base)).doesNotThrowAnyException();
  }

  @Test
  void gzipIsRecognisedByItsBytesWhateverTheMediaTypeSays() throws Exception {
    Manifest.Layer plain = layer(tar().file("a", "x"), TAR_GZIP);
    Manifest.Layer gzipped = layer(tarGz().file("b", "y"), TAR);

    assertThatCode(() -> check(plain, gzipped)).doesNotThrowAnyException();
  }

  @Test
  void anEntryClimbingOutOfTheRootIsRefused() throws Exception {
    Manifest.Layer hostile = layer(tar().file("ok", "x").file("../x", "owned"));

    assertThatThrownBy(() -> check(hostile))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessage(
            "layer "
                + hostile.digest()
                + " is refused: entry '../x' would be written outside the image's root");
  }

  @Test
  void aClimbHiddenInsideThePathIsRefused() throws Exception {
    Manifest.Layer hostile = layer(tar().file("a/b/../../../x", "owned"));

    assertThatThrownBy(() -> check(hostile))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("'a/b/../../../x'");
  }

  @Test
  void dotDotThatStaysInsideIsAccepted() throws Exception {
    assertThatCode(() -> check(layer(tar().file("a/../b", "x").file("./c/./d", "y"))))
        .doesNotThrowAnyException();
  }

  @Test
  void anAbsoluteEntryIsReadRelativeToTheRoot() throws Exception {
    // Unpackers strip the leading slash (tar does, umoci does): /etc/passwd lands in the image.
    assertThatCode(() -> check(layer(tar().file("/etc/passwd", "root:x:0:0"))))
        .doesNotThrowAnyException();
  }

  @Test
  void anAbsoluteEntryThatThenClimbsIsRefused() throws Exception {
    assertThatThrownBy(() -> check(layer(tar().file("/../etc/passwd", "x"))))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("outside the image's root");
  }

  @Test
  void aSymlinkPointingOutsideIsAcceptedUntilSomethingIsWrittenThroughIt() throws Exception {
    // Dangling or absolute links are common in images (alternatives, /proc links) and harmless
    // on their own; only a later write through them reaches the host.
    assertThatCode(() -> check(layer(tar().symlink("etc/mtab", "/proc/mounts"))))
        .doesNotThrowAnyException();
    assertThatCode(() -> check(layer(tar().symlink("up", "../../..")))).doesNotThrowAnyException();
  }

  @Test
  void writingThroughASymlinkThatClimbsOutIsRefused() throws Exception {
    Manifest.Layer hostile =
        layer(tar().dir("a/").symlink("a/evil", "../../etc").file("a/evil/passwd", "owned"));

    assertThatThrownBy(() -> check(hostile))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining(
            "entry 'a/evil/passwd' would be written through the symbolic link 'a/evil' ->"
                + " '../../etc'");
  }

  @Test
  void writingThroughASymlinkToAnAbsolutePathIsRefused() throws Exception {
    Manifest.Layer hostile = layer(tar().symlink("evil", "/etc").file("evil/cron.d/job", "* *"));

    assertThatThrownBy(() -> check(hostile))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("'evil' -> '/etc'");
  }

  @Test
  void aSymlinkFromAnEarlierLayerIsRemembered() throws Exception {
    Manifest.Layer first = layer(tar().symlink("evil", "/root"));
    Manifest.Layer second = layer(tar().file("evil/.ssh/authorized_keys", "ssh-ed25519 AAAA"));

    assertThatThrownBy(() -> check(first, second))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageStartingWith("layer " + second.digest() + " is refused");
  }

  @Test
  void aSymlinkReplacedByADirectoryNoLongerCounts() throws Exception {
    Manifest.Layer first = layer(tar().symlink("data", "/var/lib/data"));
    Manifest.Layer second = layer(tar().dir("data/").file("data/x", "x"));

    assertThatCode(() -> check(first, second)).doesNotThrowAnyException();
  }

  @Test
  void aChainOfInnocentLookingSymlinksThatLeavesTheRootIsRefused() throws Exception {
    // "a" -> "b" looks harmless and "b" -> ".." is refused only when written through by name;
    // a write through "a" still ends up outside the root.
    Manifest.Layer hostile = layer(tar().symlink("b", "..").symlink("a", "b").file("a/x", "owned"));

    assertThatThrownBy(() -> check(hostile))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("entry 'a/x'");
  }

  @Test
  void aSymlinkThatClimbsFromWhereAnotherSymlinkReallyPutItIsRefused() throws Exception {
    // "a" is the root itself, so "a/l" -> ".." is the root's parent, although the names alone
    // suggest a folder one level down.
    Manifest.Layer hostile =
        layer(tar().symlink("a", ".").symlink("a/l", "..").file("a/l/x", "owned"));

    assertThatThrownBy(() -> check(hostile))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("entry 'a/l/x'");
  }

  @Test
  void aSymlinkLoopIsRefusedRatherThanFollowedForever() throws Exception {
    Manifest.Layer hostile = layer(tar().symlink("a", "b").symlink("b", "a").file("a/x", "x"));

    assertThatThrownBy(() -> check(hostile))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("entry 'a/x'");
  }

  @Test
  void aHardLinkToOutsideTheRootIsRefused() throws Exception {
    Manifest.Layer hostile = layer(tar().hardlink("shadow", "../../etc/shadow"));

    assertThatThrownBy(() -> check(hostile))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("'../../etc/shadow' would be written outside the image's root");
  }

  @Test
  void aHardLinkThroughASymlinkToOutsideIsRefused() throws Exception {
    Manifest.Layer hostile =
        layer(tar().symlink("hostetc", "/etc").hardlink("shadow", "hostetc/shadow"));

    assertThatThrownBy(() -> check(hostile))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("'hostetc' -> '/etc'");
  }

  @Test
  void tooManyEntriesAreRefused() throws Exception {
    LayerScanner strict = new LayerScanner(3, 1_000_000);
    Manifest.Layer first = layer(tar().file("a", "").file("b", ""));
    Manifest.Layer second = layer(tar().file("c", "").file("d", ""));

    assertThatCode(() -> strict.check(List.of(first), blobs)).doesNotThrowAnyException();
    // The bound is over the whole image, not per layer.
    assertThatThrownBy(() -> strict.check(List.of(first, second), blobs))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageStartingWith("layer " + second.digest())
        .hasMessageContaining("more than 3 entries");
  }

  @Test
  void tooManyUnpackedBytesAreRefused() throws Exception {
    LayerScanner strict = new LayerScanner(1_000, 10);
    Manifest.Layer first = layer(tarGz().file("a", "123456"));
    Manifest.Layer second = layer(tarGz().file("b", "12345"));

    assertThatCode(() -> strict.check(List.of(first), blobs)).doesNotThrowAnyException();
    assertThatThrownBy(() -> strict.check(List.of(first, second), blobs))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("more than 10 bytes");
  }

  @Test
  void exactlyTheBoundsAreAllowed() throws Exception {
    LayerScanner exact = new LayerScanner(2, 10);

    assertThatCode(
            () -> exact.check(List.of(layer(tar().file("a", "12345").file("b", "67890"))), blobs))
        .doesNotThrowAnyException();
  }

  @Test
  void whiteoutsAreAccepted() throws Exception {
    Manifest.Layer base = layer(tar().dir("etc/").file("etc/old.conf", "x").dir("var/cache/"));
    Manifest.Layer upper =
        layer(tar().file("etc/.wh.old.conf", "").file("var/cache/.wh..wh..opq", ""));

    assertThatCode(() -> check(base, upper)).doesNotThrowAnyException();
  }

  @Test
  void aWhiteoutRemovesAnEscapingSymlinkSoTheNameCanBeReused() throws Exception {
    Manifest.Layer base = layer(tar().symlink("data", "/srv/data"));
    Manifest.Layer upper = layer(tar().file(".wh.data", "").file("data/x", "x"));

    assertThatCode(() -> check(base, upper)).doesNotThrowAnyException();
  }

  @Test
  void anOpaqueWhiteoutRemovesEscapingSymlinksBelowIt() throws Exception {
    Manifest.Layer base = layer(tar().dir("opt/").symlink("opt/app", "/usr/share/app"));
    Manifest.Layer upper = layer(tar().file("opt/.wh..wh..opq", "").file("opt/app/x", "x"));

    assertThatCode(() -> check(base, upper)).doesNotThrowAnyException();
  }

  @Test
  void aWhiteoutOnlyRemovesTheNamedSymlink() throws Exception {
    // ".wh.dat" must not drop the link "data" (a prefix of the name is not the name).
    Manifest.Layer base = layer(tar().symlink("data", "/srv/data"));
    Manifest.Layer upper = layer(tar().file(".wh.dat", "").file("data/x", "x"));

    assertThatThrownBy(() -> check(base, upper)).isInstanceOf(RefusedLayerException.class);
  }

  @Test
  void aWhiteoutThroughAnEscapingSymlinkIsRefused() throws Exception {
    // Applying it would delete /etc/passwd on the host, so it is a write through the link too.
    Manifest.Layer base = layer(tar().symlink("hostetc", "/etc"));
    Manifest.Layer upper = layer(tar().file("hostetc/.wh.passwd", ""));

    assertThatThrownBy(() -> check(base, upper))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("'hostetc' -> '/etc'");
  }

  @Test
  void zstdLayersAreRefusedByMediaType() throws Exception {
    Manifest.Layer zstd = layer(tar().file("a", "x"), TAR + "+zstd");

    assertThatThrownBy(() -> check(zstd))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("zstd layers are not supported");
  }

  @Test
  void somethingThatIsNotATarIsRefused() throws Exception {
    Manifest.Layer garbage =
        layer(
            "this is not a tar archive, just text".repeat(40).getBytes(StandardCharsets.UTF_8),
            TAR);

    assertThatThrownBy(() -> check(garbage))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("not a readable tar archive");
  }

  @Test
  void aMissingBlobIsRefused() {
    Manifest.Layer missing = new Manifest.Layer("sha256:" + "0".repeat(64), 10, TAR);

    assertThatThrownBy(() -> check(missing))
        .isInstanceOf(RefusedLayerException.class)
        .hasMessageContaining("not a readable tar archive");
  }
}
