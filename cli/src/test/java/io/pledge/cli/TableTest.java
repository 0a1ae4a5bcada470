package io.pledge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void padsEachColumnToItsWidestCellThreeSpacesApart() {
    String table =
        new Table("NAME", "MESSAGE", "STATUS")
            .row("example", "Resource requested", "Reconciled")
            .row("a", "Pending", null)
            .render();

    assertThat(table)
        .isEqualTo(
            "NAME      MESSAGE              STATUS\n"
                + "example   Resource requested   Reconciled\n"
                + "a         Pending\n");
  }
}
