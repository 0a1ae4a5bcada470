package io.pledge.intake.logs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.intake.logs.LogStore.Entry;
import io.pledge.intake.logs.LogStore.Run;
import java.util.List;

/** Renders stored runs as plain text (what a terminal wants) or as a JSON document. */
public final class LogRenderer {

  private LogRenderer() {}

  /**
   * One header line per container, then its standard output, then its standard error under a {@code
   * --- stderr} line when there is any:
   *
   * <pre>
   * ==> resource configure, generation 2, pipeline instance-configure, container create (exit 0) &lt;==
   * ...stdout...
   * --- stderr
   * ...stderr...
   * </pre>
   */
  public static String text(List<Run> runs) {
    StringBuilder out = new StringBuilder();
    for (Run run : runs) {
      for (Entry e : run.entries()) {
        out.append("==> ")
            .append(run.workflowType())
            .append(' ')
            .append(run.action())
            .append(", generation ")
            .append(run.generation())
            .append(", pipeline ")
            .append(e.pipeline())
            .append(", container ")
            .append(e.container());
        if (e.exitCode() != null) {
          out.append(" (exit ").append(e.exitCode()).append(')');
        }
        if (e.truncated()) {
          out.append(" [truncated]");
        }
        out.append(" <==\n");
        appendBlock(out, e.stdout());
        if (e.stderr() != null && !e.stderr().isEmpty()) {
          out.append("--- stderr\n");
          appendBlock(out, e.stderr());
        }
      }
    }
    return out.toString();
  }

  private static void appendBlock(StringBuilder out, String text) {
    if (text == null || text.isEmpty()) {
      return;
    }
    out.append(text);
    if (!text.endsWith("\n")) {
      out.append('\n');
    }
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
