package io.pledge.bench.chaos;

/**
 * One fault to inject.
 *
 * @param atMillis when, after the chaos phase started
 * @param kind {@code kill} (SIGKILL a service, then restart it), {@code broker} (stop and restart
 *     the broker), {@code git} (the remote refuses pushes) or {@code stubs} (Slack and billing
 *     answer 503)
 * @param target the service killed ({@code kill} only)
 * @param durationMillis how long it lasts: the wait before the restart, or the refusal's length
 */
public record Fault(long atMillis, String kind, String target, long durationMillis) {

  public String describe() {
    return switch (kind) {
      case "kill" -> "SIGKILL " + target + ", restart after " + durationMillis + " ms";
      case "broker" -> "restart the broker (down " + durationMillis + " ms)";
      case "git" -> "Git remote refuses pushes for " + durationMillis + " ms";
      case "stubs" -> "Slack and billing answer 503 for " + durationMillis + " ms";
      default -> kind;
    };
  }
}
