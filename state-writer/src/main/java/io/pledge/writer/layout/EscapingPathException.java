package io.pledge.writer.layout;

/** A path that would land outside its folder of the state store, or inside Git's own files. */
public class EscapingPathException extends IllegalArgumentException {
  public EscapingPathException(String message) {
    super(message);
  }
}
