package io.pledge.notifier.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlackChannelTest {

  @Test
  void acceptsOneChannelNameOrId() {
    assertThat(SlackChannel.parse("#team-data")).isEqualTo("#team-data");
    assertThat(SlackChannel.parse(" #db_alerts-2 ")).isEqualTo("#db_alerts-2");
    assertThat(SlackChannel.parse("#" + "a".repeat(80))).hasSize(81);
    assertThat(SlackChannel.parse("C0123ABCD")).isEqualTo("C0123ABCD");
    assertThat(SlackChannel.parse("U02XYZ9876")).isEqualTo("U02XYZ9876");
  }

  @Test
  void refusesTwoChannelsAMentionOrALink() {
    for (String value :
        new String[] {
          "#ops,#general",
          "#ops #general",
          "#ops;#general",
          "@channel",
          "<!channel>",
          "<https://evil.example|click>",
          "#Ops",
          "ops",
          "#",
          "#" + "a".repeat(81),
          "#ops\n#general",
          "c0123abcd"
        }) {
      assertThatThrownBy(() -> SlackChannel.parse(value))
          .as(value)
          .hasMessageStartingWith("not one Slack channel:");
    }
  }
}
