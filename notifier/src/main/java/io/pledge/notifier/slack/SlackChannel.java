package io.pledge.notifier.slack;

import java.util.regex.Pattern;

/**
 * The one Slack channel a rule's rendered {@code to} names: {@code #} and a channel name as Slack
 * allows it (lowercase letters, digits, hyphens and underscores, at most 80 characters), or a
 * channel or user ID ({@code C0123ABCD}). Nothing else passes, so a request's spec value cannot
 * name a second channel, a mention or a link.
 */
public final class SlackChannel {

  private static final Pattern NAME = Pattern.compile("#[a-z0-9_-]{1,80}");
  private static final Pattern ID = Pattern.compile("[CDGUW][A-Z0-9]{8,20}");

  private SlackChannel() {}

  /**
   * The value as one channel; surrounding spaces are dropped.
   *
   * @throws IllegalArgumentException saying why it is not exactly one channel
   */
  public static String parse(String value) {
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("not one Slack channel: it has a control character");
    }
    String channel = value.strip();
    if (NAME.matcher(channel).matches() || ID.matcher(channel).matches()) {
      return channel;
    }
    throw new IllegalArgumentException(
        "not one Slack channel: '#' and up to 80 lowercase letters, digits, '-' or '_', or a"
            + " channel or user ID");
  }
}
