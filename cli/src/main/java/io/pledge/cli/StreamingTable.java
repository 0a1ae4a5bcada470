package io.pledge.cli;

/**
 * kubectl's table for {@code get -w}: the header with the first row, then one row per change, each
 * padded to the widest cell seen so far (rows printed earlier are not redrawn).
 */
final class StreamingTable {

  private final String[] header;
  private final int[] widths;
  private boolean started;

  StreamingTable(String... header) {
    this.header = header;
    this.widths = new int[header.length];
    widen(header);
  }

  /** The lines to print for {@code cells}: the header too, the first time. */
  String rows(String... cells) {
    widen(cells);
    String row = line(cells);
    if (started) {
      return row;
    }
    started = true;
    return line(header) + row;
  }

  private void widen(String[] cells) {
    for (int i = 0; i < widths.length && i < cells.length; i++) {
      widths[i] = Math.max(widths[i], cells[i] == null ? 0 : cells[i].length());
    }
  }

  private String line(String[] cells) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      String cell = i < cells.length && cells[i] != null ? cells[i] : "";
      line.append(cell);
      if (i < widths.length - 1) {
        line.append(" ".repeat(widths[i] - cell.length() + 3));
      }
    }
    return line.toString().stripTrailing() + "\n";
  }
}
