package io.pledge.bench.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.event.EventCodec;
import org.junit.jupiter.api.Test;

class HistoryRunTest {

  @Test
  void intakesAnswerCountsOnlyWhenReconciledAtTheLastGeneration() throws Exception {
    String reconciled =
        """
        {"status": {"observedGeneration": 2, "conditions": [
          {"type": "ConfigureWorkflowCompleted", "status": "True"},
          {"type": "Reconciled", "status": "True"}]}}
        """;
    String pending =
        """
        {"status": {"observedGeneration": 2, "conditions": [
          {"type": "Reconciled", "status": "Unknown"}]}}
        """;
    assertThat(HistoryRun.reconciledAt(EventCodec.JSON.readTree(reconciled), 2)).isTrue();
    assertThat(HistoryRun.reconciledAt(EventCodec.JSON.readTree(reconciled), 1)).isFalse();
    assertThat(HistoryRun.reconciledAt(EventCodec.JSON.readTree(pending), 2)).isFalse();
    assertThat(HistoryRun.reconciledAt(EventCodec.JSON.readTree("{}"), 1)).isFalse();
  }
}
