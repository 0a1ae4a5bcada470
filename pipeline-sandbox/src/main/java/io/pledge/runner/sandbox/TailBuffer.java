package io.pledge.runner.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the last {@code capacity} bytes written to it; a stage may print without limit. */
final class TailBuffer {

  private final byte[] ring;
  private long written;

  TailBuffer(int capacity) {
    this.ring = new byte[Math.max(1, capacity)];
  }

  synchronized void write(byte[] bytes, int offset, int length) {
    for (int i = 0; i < length; i++) {
      ring[(int) (written % ring.length)] = bytes[offset + i];
      written++;
    }
  }

  /** Reads {@code in} until it ends, keeping the tail. */
  void drain(InputStream in) {
    byte[] chunk = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        write(chunk, 0, n);
      }
    } catch (IOException e) {
      // The process was killed and its pipe closed: what arrived so far is what there is.
    }
  }

  synchronized boolean truncated() {
    return written > ring.length;
  }

  synchronized String text() {
    int size = (int) Math.min(written, ring.length);
    byte[] out = new byte[size];
    long start = written - size;
    for (int i = 0; i < size; i++) {
      out[i] = ring[(int) ((start + i) % ring.length)];
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
