package io.pledge.runner.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkflowControlTest {

  @Test
  void readsSuspendAndMessage() throws Exception {
    WorkflowControl control =
        WorkflowControl.parse("suspend: true\nmessage: waiting for approval\n");

    assertThat(control.suspend()).isTrue();
    assertThat(control.retryAfter()).isNull();
    assertThat(control.message()).isEqualTo("waiting for approval");
    assertThat(control.suspendsOrRetries()).isTrue();
  }

  @Test
  void readsRetryAfterAsAGoDuration() throws Exception {
    assertThat(WorkflowControl.parse("retryAfter: 1h30m\n").retryAfter())
        .isEqualTo(Duration.ofMinutes(90));
    assertThat(WorkflowControl.goDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(WorkflowControl.goDuration("250ms")).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aFileWithoutSuspendOrRetryLetsTheWorkflowGoOn() throws Exception {
    assertThat(WorkflowControl.parse("message: fine\n").suspendsOrRetries()).isFalse();
    assertThat(WorkflowControl.parse(null)).isNull();
  }

  @Test
  void rejectsARetryAfterThatIsNoDuration() {
    assertThatThrownBy(() -> WorkflowControl.parse("retryAfter: soon\n"))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("retryAfter");
  }

  @Test
  void readsMaxAttemptsAndRejectsANonPositiveOne() throws Exception {
    assertThat(WorkflowControl.parse("retryAfter: 1m\nmaxAttempts: 3\n").maxAttempts())
        .isEqualTo(3);
    assertThat(WorkflowControl.parse("retryAfter: 1m\n").maxAttempts()).isNull();
    assertThatThrownBy(() -> WorkflowControl.parse("retryAfter: 1m\nmaxAttempts: 0\n"))
        .isInstanceOf(PipelineFailure.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> WorkflowControl.parse("maxAttempts: many\n"))
        .isInstanceOf(PipelineFailure.class);
  }
}
