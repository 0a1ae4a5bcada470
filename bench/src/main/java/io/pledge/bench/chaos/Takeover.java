package io.pledge.bench.chaos;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides when the survivors of a killed instance had taken over one consumer group, from the
 * broker's descriptions of the group polled after the kill. Pure: {@link GroupWatch} polls, this
 * judges.
 *
 * <p>A member killed without a clean leave stays in the group until its session timeout; then the
 * coordinator rebalances. Taken over means: the group is {@code Stable}, none of the killed
 * instance's members is left, and every partition of the topics the group consumes is assigned to a
 * member. The broker does not say which process a member is. A member whose client id names the
 * instance ({@code notifier-status-notifier-2}) is the killed instance's; when no client id does,
 * the killed instance had its share of the members (the instances of a service are alike), so the
 * group must have shrunk by that share.
 */
public final class Takeover {

  /** One member: its id, client id and the partitions assigned to it ({@code topic-n}). */
  public record Member(String memberId, String clientId, Set<String> partitions) {}

  /** The group at one moment, as {@code describeConsumerGroups} tells it. */
  public record Snapshot(String state, List<Member> members) {

    Set<String> assigned() {
      Set<String> all = new HashSet<>();
      members.forEach(m -> all.addAll(m.partitions()));
      return all;
    }
  }

  /** A snapshot and when it was answered, in milliseconds on any clock the kill time shares. */
  public record Poll(long atMillis, Snapshot snapshot) {}

  static final String STABLE = "Stable";

  private final Pattern named;
  private final Set<String> partitions;
  private final int membersAfter;

  /**
   * @param instance the killed instance ({@code notifier-2})
   * @param before the group just before the kill
   * @param instancesBefore live instances of the service just before the kill
   * @param partitions every partition of the topics the group consumes
   */
  public Takeover(String instance, Snapshot before, int instancesBefore, Set<String> partitions) {
    if (instancesBefore < 2) {
      throw new IllegalArgumentException("no survivor: " + instancesBefore + " instance(s)");
    }
    this.named = Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(instance) + "(?![0-9])");
    this.partitions = Set.copyOf(partitions);
    long namedBefore = before.members().stream().filter(this::ofVictim).count();
    int share =
        namedBefore > 0
            ? (int) namedBefore
            : Math.max(1, Math.round((float) before.members().size() / instancesBefore));
    this.membersAfter = before.members().size() - share;
  }

  /** Whether {@code now} shows the group taken over by the survivors. */
  public boolean takenOver(Snapshot now) {
    return STABLE.equalsIgnoreCase(now.state())
        && !now.members().isEmpty()
        && now.members().size() <= membersAfter
        && now.members().stream().noneMatch(this::ofVictim)
        && now.assigned().containsAll(partitions);
  }

  /** Milliseconds from {@code killedAtMillis} to the first poll that shows the takeover. */
  public OptionalLong millis(long killedAtMillis, List<Poll> polls) {
    for (Poll p : polls) {
      if (p.atMillis() >= killedAtMillis && takenOver(p.snapshot())) {
        return OptionalLong.of(p.atMillis() - killedAtMillis);
      }
    }
    return OptionalLong.empty();
  }

  /** The members the group keeps once the killed instance's are gone. */
  int membersAfter() {
    return membersAfter;
  }

  private boolean ofVictim(Member m) {
    return m.clientId() != null && named.matcher(m.clientId()).find();
  }
}
