package io.pledge.bench.chaos;

/**
 * One fault to inject.
 *
 * @param atMillis when, after the chaos phase started
 * @param kind {@code kill} (SIGKILL a service, then restart it), {@code broker} (stop and restart
 *     the broker), {@code git} (the remote refuses pushes), {@code stubs} (Slack and billing answer
 *     503), {@code push-kill} (SIGKILL the writer while it holds the branch's ref lock, then
 *     restart it), {@code poison} (an oversized and a malformed inbound event) or {@code kill-one}
 *     (SIGKILL the last instance of a replicated service and leave it down; the survivors must take
 *     its partitions over)
 * @param target the service killed ({@code kill}, {@code push-kill} and {@code kill-one})
 * @param durationMillis how long it lasts: the wait before the restart, or the refusal's length;
 *     for {@code kill-one} the pause after the takeover, before the next fault
 */
public record Fault(long atMillis, String kind, String target, long durationMillis) {

  public String describe() {
    return switch (kind) {
      case "kill" -> "SIGKILL " + target + ", restart after " + durationMillis + " ms";
      case "broker" -> "restart the broker (down " + durationMillis + " ms)";
      case "git" -> "Git remote refuses pushes for " + durationMillis + " ms";
      case "stubs" -> "Slack and billing answer 503 for " + durationMillis + " ms";
      case "push-kill" ->
          "SIGKILL " + target + " inside a push, restart after " + durationMillis + " ms";
      case "poison" -> "a " + PoisonEvents.DOCUMENTS + "-document and a malformed inbound event";
      case "kill-one" ->
          "SIGKILL the last instance of "
              + target
              + ", no restart; time the takeover, then "
              + durationMillis
              + " ms";
      default -> kind;
    };
  }
}
