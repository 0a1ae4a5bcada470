package io.pledge.intake.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.intake.apply.Generations.Decision;
import io.pledge.intake.apply.Generations.Live;
import org.junit.jupiter.api.Test;

class GenerationsTest {

  private static final Live LIVE = new Live(3, "spec-a", "meta-a");

  @Test
  void aNewObjectStartsAtOne() {
    assertThat(Generations.decide(null, 0, "spec-a", "meta-a"))
        .isEqualTo(new Decision(1, Outcome.CREATED));
  }

  @Test
  void anObjectAppliedAfterItsDeleteContinuesAfterItsNewestGeneration() {
    assertThat(Generations.decide(null, 7, "spec-a", "meta-a"))
        .isEqualTo(new Decision(8, Outcome.CREATED));
  }

  @Test
  void theSameSpecAndMetadataChangeNothing() {
    assertThat(Generations.decide(LIVE, 3, "spec-a", "meta-a"))
        .isEqualTo(new Decision(3, Outcome.UNCHANGED));
  }

  @Test
  void changedMetadataAloneKeepsTheGeneration() {
    assertThat(Generations.decide(LIVE, 3, "spec-a", "meta-b"))
        .isEqualTo(new Decision(3, Outcome.CONFIGURED));
  }

  @Test
  void aChangedSpecTakesTheNextGeneration() {
    assertThat(Generations.decide(LIVE, 3, "spec-b", "meta-a"))
        .isEqualTo(new Decision(4, Outcome.CONFIGURED));
  }

  @Test
  void aChangedSpecContinuesAfterTheLiveGenerationWhenNothingElseIsKnown() {
    assertThat(Generations.decide(LIVE, 0, "spec-b", "meta-a"))
        .isEqualTo(new Decision(4, Outcome.CONFIGURED));
  }

  @Test
  void aChangedSpecContinuesAfterANewerGenerationSeenInTheStatus() {
    assertThat(Generations.decide(LIVE, 5, "spec-b", "meta-a"))
        .isEqualTo(new Decision(6, Outcome.CONFIGURED));
  }

  @Test
  void theSameSpecKeepsTheLiveGenerationWhateverTheStatusSaw() {
    assertThat(Generations.decide(LIVE, 5, "spec-a", "meta-a"))
        .isEqualTo(new Decision(3, Outcome.UNCHANGED));
  }
}
