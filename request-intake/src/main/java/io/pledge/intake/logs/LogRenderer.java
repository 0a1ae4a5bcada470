package io.pledge.intake.logs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.pipeline.LogText;
import io.pledge.intake.logs.LogStore.Entry;
import io.pledge.intake.logs.LogStore.Run;
import java.util.List;

/** Renders stored runs as plain text (what a terminal wants) or as a JSON document. */
public final class LogRenderer {

  private LogRenderer() {}

  /** The text form ({@link LogText}) of the runs. */
  public static String text(List<Run> runs) {
    return LogText.of(json("", runs));
  }

  /** {@code {key, runs: [{run, workflowType, action, generation, containers: [...]}]}}. */
  public static ObjectNode json(String key, List<Run> runs) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("key", key);
    ArrayNode list = doc.putArray("runs");
    for (Run run : runs) {
      ObjectNode r = list.addObject();
      r.put("run", run.number());
      r.put("workflowType", run.workflowType());
      r.put("action", run.action());
      r.put("generation", run.generation());
      ArrayNode containers = r.putArray("containers");
      for (Entry e : run.entries()) {
        ObjectNode c = containers.addObject();
        if (e.time() != null) {
          c.put("time", e.time().toString());
        }
        c.put("pipeline", e.pipeline());
        c.put("container", e.container());
        if (e.exitCode() != null) {
          c.put("exitCode", e.exitCode());
        }
        c.put("truncated", e.truncated());
        c.put("stdout", e.stdout());
        c.put("stderr", e.stderr());
      }
    }
    return doc;
  }
}
