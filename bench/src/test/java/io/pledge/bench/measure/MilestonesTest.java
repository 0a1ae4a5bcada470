package io.pledge.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MilestonesTest {

  @Test
  void legsAddUpToEndToEnd() {
    Milestones m = new Milestones(110, 120, 140, 150, 160, 190, 200, "abc");
    assertThat(m.legs(100)).containsExactly(10, 40, 40, 10);
    assertThat(m.detail(100)).containsExactly(10, 10, 20, 10, 10, 30, 10);
  }

  @Test
  void aMilestoneSeenOutOfOrderCountsWithThePreviousOne() {
    // The commit event carries an earlier time than the workflow's completion event.
    Milestones m = new Milestones(110, 120, 140, 180, 175, 170, 200, "abc");
    assertThat(m.legs(100)).containsExactly(10, 70, 0, 20);
    assertThat(m.detail(100)).containsExactly(10, 10, 20, 40, 0, 0, 20);
  }

  @Test
  void missingMilestonesShrinkToZeroAndUnreconciledHasNoLegs() {
    assertThat(new Milestones(0, 0, 0, 0, 0, 150, 200, null).legs(100))
        .containsExactly(0, 0, 50, 50);
    assertThat(new Milestones(110, 0, 0, 150, 0, 190, 0, null).legs(100)).isNull();
    assertThat(new Milestones(110, 0, 0, 150, 0, 190, 200, null).detail(0)).isNull();
  }
}
