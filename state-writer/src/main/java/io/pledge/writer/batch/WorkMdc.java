package io.pledge.writer.batch;

import org.jboss.logging.MDC;

/** The Work a log line is about, in the logging context: its key, generation and pipeline. */
final class WorkMdc {

  private WorkMdc() {}

  static void put(String key, long generation, String pipeline) {
    MDC.put("key", key);
    MDC.put("generation", String.valueOf(generation));
    if (pipeline != null) {
      MDC.put("pipeline", pipeline);
    } else {
      MDC.remove("pipeline");
    }
  }

  static void clear() {
    MDC.remove("key");
    MDC.remove("generation");
    MDC.remove("pipeline");
  }
}
