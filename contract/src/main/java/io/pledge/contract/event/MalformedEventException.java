package io.pledge.contract.event;

/** A record that is not a readable Pledge event; it belongs in a dead-letter topic. */
public class MalformedEventException extends RuntimeException {
  public MalformedEventException(String message) {
    super(message);
  }
}
