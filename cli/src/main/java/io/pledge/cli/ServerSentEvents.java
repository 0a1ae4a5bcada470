package io.pledge.cli;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Reads {@code text/event-stream}: {@code event:} and {@code data:} lines, a blank line ends one.
 */
final class ServerSentEvents {

  /** One event; {@code type} is {@code message} when the stream names none. */
  record Event(String type, String data) {}

  private final BufferedReader reader;

  ServerSentEvents(BufferedReader reader) {
    this.reader = reader;
  }

  /** The next event, or null at the end of the stream. */
  Event next() throws IOException {
    String type = null;
    StringBuilder data = null;
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) {
          return new Event(type == null ? "message" : type, data.toString());
        }
        type = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue; // a comment, e.g. a keep-alive
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      if (field.equals("event")) {
        type = value;
      } else if (field.equals("data")) {
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      }
    }
    return data == null ? null : new Event(type == null ? "message" : type, data.toString());
  }
}
