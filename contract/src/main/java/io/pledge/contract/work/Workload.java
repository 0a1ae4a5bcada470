package io.pledge.contract.work;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One output file, opaque bytes.
 *
 * @param filepath the path relative to {@code /kratix/output}, keeping any directory prefix
 * @param content base64 of the gzip of the file's bytes, as Kratix stores it
 */
public record Workload(String filepath, String content) {

  /** A workload holding {@code bytes}. */
  public static Workload of(String filepath, byte[] bytes) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(buffer)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Workload(filepath, Base64.getEncoder().encodeToString(buffer.toByteArray()));
  }

  /** The file's bytes. */
  public byte[] bytes() {
    try (GZIPInputStream gzip =
        new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(content)))) {
      return gzip.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
