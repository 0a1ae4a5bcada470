package io.pledge.writer.batch;

import io.pledge.contract.work.Work;
import io.pledge.writer.layout.StateStoreLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Commit messages that name every placement a commit carries. One placement gives Kratix's form,
 * {@code Update from: <placement>} (or {@code Delete from:}); several give {@code Update from: N
 * placements} and one line per placement below.
 */
public final class CommitMessage {

  public static final String CANARY = "Update from: kratix-canary";

  private CommitMessage() {}

  /** The message of a commit that writes {@code updates} and removes {@code deletes}. */
  public static String of(List<String> updates, List<String> deletes) {
    int total = updates.size() + deletes.size();
    if (total == 0) {
      throw new IllegalArgumentException("a commit names at least one placement");
    }
    List<String> lines = new ArrayList<>();
    updates.forEach(u -> lines.add("Update from: " + u));
    deletes.forEach(d -> lines.add("Delete from: " + d));
    if (total == 1) {
      return lines.get(0);
    }
    String action = updates.isEmpty() ? "Delete" : "Update";
    return action + " from: " + total + " placements\n\n" + String.join("\n", lines);
  }

  /**
   * A placement's name, in the spirit of Kratix's WorkPlacement name {@code
   * <work>.<destination>-<id5>}: e.g. {@code
   * default/postgresql/example/instance-configure.worker-1-5058f}.
   */
  public static String placementName(
      String key, String workType, String pipeline, String destination, String groupId) {
    String work =
        Work.RESOURCE.equals(workType) || pipeline != null
            ? key + "/" + pipeline
            : key + "/static-dependencies";
    return work + "." + destination + "-" + StateStoreLayout.shortId(groupId);
  }
}
