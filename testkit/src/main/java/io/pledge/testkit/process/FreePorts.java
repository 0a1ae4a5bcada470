package io.pledge.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Ports for processes a test starts and that bind them later. The kernel hands a just-closed port
 * out again soon (here about one pick in 500 repeats one of the last eight), and a service bound to
 * another's port passes the other's readiness check: each port goes to one process per JVM.
 */
public final class FreePorts {

  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {}

  /** A port free now and not handed out before by this JVM. */
  public static synchronized int take() {
    while (true) {
      int port = bindAny();
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
  }

  private static int bindAny() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
