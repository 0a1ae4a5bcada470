package io.pledge.runner.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pledge.runner.outcome.PipelineFailure;
import org.junit.jupiter.api.Test;

class NotificationsFileTest {

  @Test
  void readsAListOfNotifications() throws PipelineFailure {
    var list =
        NotificationsFile.parse(
            "- {channel: slack, message: backups on}\n- {channel: email, to: a@b.c, message: hi}\n");
    assertThat(list).hasSize(2);
    assertThat(list.get(1).get("to").asText()).isEqualTo("a@b.c");
  }

  @Test
  void readsTheListUnderANotificationsKey() throws PipelineFailure {
    var list = NotificationsFile.parse("notifications:\n  - {channel: slack, message: done}\n");
    assertThat(list).hasSize(1);
  }

  @Test
  void anAbsentOrEmptyFileAsksForNothing() throws PipelineFailure {
    assertThat(NotificationsFile.parse(null)).isNull();
    assertThat(NotificationsFile.parse("  \n")).isNull();
  }

  @Test
  void rejectsAnEntryWithoutAKnownChannelOrAMessage() {
    assertThatThrownBy(() -> NotificationsFile.parse("- {channel: pager, message: x}\n"))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("entry 0 needs a channel");
    assertThatThrownBy(() -> NotificationsFile.parse("- {channel: slack}\n"))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("needs a message");
  }
}
