package io.pledge.writer.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.pledge.contract.work.Work;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The writer's own acknowledged records and the follower's reads meet in one table. */
class PlacementTableTest {

  static final Work WORK =
      new Work(
          "default/postgresql/a",
          Work.RESOURCE,
          "postgresql",
          "default",
          "a",
          "configure",
          1,
          List.of());
  static final RememberedWork PENDING = new RememberedWork(RememberedWork.PENDING, WORK);
  static final RememberedWork FAILED = new RememberedWork(RememberedWork.FAILED, WORK);
  static final String KEY = PENDING.recordKey();

  PlacementTable table = new PlacementTable();

  @Test
  void anOwnRecordIsInTheTableOnceAcknowledged() {
    table.applyOwn(KEY, PlacementTable.json(PENDING), 2, 10);

    assertThat(table.remembered(WORK.identity())).contains(PENDING);
  }

  @Test
  void theFollowerStillBehindDoesNotUndoAnOwnRecord() {
    table.applyOwn(KEY, PlacementTable.json(PENDING), 2, 10);
    table.applyOwn(KEY, null, 2, 11);

    // The follower now reads the two records, the older one first.
    table.applyRead(KEY, PlacementTable.json(PENDING), 2, 10);
    assertThat(table.remembered(WORK.identity())).isEmpty();
    table.applyRead(KEY, null, 2, 11);
    assertThat(table.remembered(WORK.identity())).isEmpty();
  }

  @Test
  void theFollowerReadingTheSameRecordChangesNothing() {
    table.applyOwn(KEY, PlacementTable.json(PENDING), 2, 10);

    table.applyRead(KEY, PlacementTable.json(PENDING), 2, 10);

    assertThat(table.remembered(WORK.identity())).contains(PENDING);
  }

  @Test
  void aNewerRecordOfAnotherWriterWins() {
    table.applyOwn(KEY, PlacementTable.json(PENDING), 2, 10);

    table.applyRead(KEY, PlacementTable.json(FAILED), 2, 12);

    assertThat(table.remembered(WORK.identity())).contains(FAILED);
  }

  @Test
  void anOwnRecordTheFollowerAlreadyPassedIsNotAppliedOverANewerOne() {
    table.applyRead(KEY, PlacementTable.json(FAILED), 2, 12);

    // Acknowledged late, at an offset the follower has read past.
    table.applyOwn(KEY, PlacementTable.json(PENDING), 2, 10);

    assertThat(table.remembered(WORK.identity())).contains(FAILED);
  }
}
