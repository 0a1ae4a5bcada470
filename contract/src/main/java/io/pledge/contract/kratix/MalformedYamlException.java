package io.pledge.contract.kratix;

/** YAML that cannot be read as JSON documents, with where the reader stopped (1-based). */
public class MalformedYamlException extends IllegalArgumentException {

  private final String reason;
  private final int line;
  private final int column;

  /**
   * @param reason what is wrong, without the location
   * @param line the line, 1-based; 0 when unknown
   * @param column the column, 1-based; 0 when unknown
   */
  public MalformedYamlException(String reason, int line, int column) {
    super(line > 0 ? reason + " (line " + line + ", column " + column + ")" : reason);
    this.reason = reason;
    this.line = line;
    this.column = column;
  }

  public String reason() {
    return reason;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
