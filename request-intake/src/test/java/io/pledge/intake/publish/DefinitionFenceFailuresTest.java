package io.pledge.intake.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;

/** Which failed definitions transactions are planned again, and which answer 503 at once. */
class DefinitionFenceFailuresTest {

  @Test
  void aFenceTakenByAnotherReplicaIsPlannedAgainHoweverTheClientReportsIt() {
    assertThat(DefinitionFence.brokerNotAnswering(new ProducerFencedException("newer producer")))
        .isFalse();
    assertThat(DefinitionFence.brokerNotAnswering(new InvalidProducerEpochException("old epoch")))
        .isFalse();
    // After a failed send the producer is in an error state and wraps the cause.
    assertThat(
            DefinitionFence.brokerNotAnswering(
                new KafkaException(
                    "Cannot execute transactional method because we are in an error state",
                    new ProducerFencedException("newer producer"))))
        .isFalse();
  }

  @Test
  void aCommitTheCoordinatorFailedWhileFencingIsPlannedAgain() {
    // What Kafka 4.1's client throws when the coordinator meets the commit with a pending fence.
    assertThat(
            DefinitionFence.brokerNotAnswering(
                new KafkaException(
                    "Unhandled error in EndTxnResponse: The server experienced an unexpected error"
                        + " when processing the request.")))
        .isFalse();
  }

  @Test
  void aBrokerThatDoesNotAnswerIsNotWaitedForTwice() {
    assertThat(
            DefinitionFence.brokerNotAnswering(
                new org.apache.kafka.common.errors.TimeoutException(
                    "Timeout expired after 15000ms while awaiting InitProducerId")))
        .isTrue();
    assertThat(
            DefinitionFence.brokerNotAnswering(
                new KafkaException("no acknowledgement in PT15S", new TimeoutException())))
        .isTrue();
  }
}
