package io.pledge.runner.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The name of an entry a stage left, as the bytes the file system holds. A Linux name is any bytes
 * but {@code /} and NUL; a name in /kratix/output becomes a path in a Work, then in Git or a
 * bucket, read on any system. So it must be valid UTF-8 (Java would otherwise read it with U+FFFD
 * in place of the bad bytes, a different name), hold no control character (a newline splits a line
 * in a commit, a log, a YAML list) and no backslash (a separator on Windows, where {@code ..\..\x}
 * climbs out).
 */
public final class EntryName {

  private final byte[] raw;

  private EntryName(byte[] raw) {
    this.raw = raw;
  }

  /**
   * The name of {@code entry} as it is on disk. Java decodes names with the platform's file name
   * encoding, losing bytes that are not valid in it; the {@code file:} URI of a path keeps them,
   * percent-encoded.
   */
  public static EntryName of(Path entry) {
    String path = entry.toUri().getRawPath();
    int end = path.endsWith("/") ? path.length() - 1 : path.length();
    String last = path.substring(path.lastIndexOf('/', end - 1) + 1, end);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(last.length());
    for (int i = 0; i < last.length(); i++) {
      char c = last.charAt(i);
      if (c == '%' && i + 2 < last.length()) {
        bytes.write(Integer.parseInt(last.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.write(c);
      }
    }
    return new EntryName(bytes.toByteArray());
  }

  /** The name's bytes. */
  public byte[] bytes() {
    return raw.clone();
  }

  /** The name, with U+FFFD for bytes that are not UTF-8 (only for messages and scratch folders). */
  public String lenient() {
    return new String(raw, StandardCharsets.UTF_8);
  }

  /**
   * Why this name cannot become a path in a Work, or null when it can.
   *
   * @param shown how to show the whole path in the message, see {@link #quote}
   */
  public String refusal(String shown) {
    String name;
    try {
      name = strict().decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      return "output name " + shown + " is not valid UTF-8";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        return "output name " + shown + " holds a control character";
      }
      if (c == '\\') {
        return "output name "
            + shown
            + " holds a backslash, a path separator on other systems (names must be portable)";
      }
    }
    return null;
  }

  /**
   * {@code bytes} as a double-quoted string, every byte visible: {@code \\}, {@code \"}, {@code
   * \n}, {@code \r}, {@code \t}, other control characters as {@code \xNN} or {@code \u0085}, bytes
   * that are not UTF-8 as {@code \xNN}.
   */
  public static String quote(byte[] bytes) {
    StringBuilder out = new StringBuilder("\"");
    CharsetDecoder decoder = strict();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer chars = CharBuffer.allocate(Math.max(16, bytes.length * 2));
    while (in.hasRemaining()) {
      CoderResult result = decoder.decode(in, chars, true);
      chars.flip();
      append(out, chars);
      chars.clear();
      if (result.isMalformed() || result.isUnmappable()) {
        for (int i = 0; i < result.length(); i++) {
          out.append(String.format("\\x%02x", in.get() & 0xff));
        }
      } else if (result.isUnderflow()) {
        break;
      }
    }
    return out.append('"').toString();
  }

  private static void append(StringBuilder out, CharBuffer chars) {
    while (chars.hasRemaining()) {
      char c = chars.get();
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  private static CharsetDecoder strict() {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }
}
