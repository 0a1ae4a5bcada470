package io.pledge.intake.view;

import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The contract's golden event samples, read from its source tree (tests run in the module). */
public final class GoldenEvents {

  /** The subject of the golden samples. */
  public static final String KEY = "default/postgresql/example";

  public static final Path DIR = Path.of("..", "contract", "src", "test", "resources", "golden");

  /** Status events in the order one resource lives through them, its deletion included. */
  static final List<String> STATUS_LIFE =
      List.of(
          "pledge.request.accepted",
          "pledge.pipeline.started",
          "pledge.pipeline.failed",
          "pledge.pipeline.succeeded",
          "pledge.workflow.completed",
          "pledge.work.scheduled",
          "pledge.work.failed",
          "pledge.work.committed",
          "pledge.notification.delivered",
          "pledge.request.rejected",
          "pledge.work.removed");

  private GoldenEvents() {}

  public static CloudEvent read(String type) {
    try {
      return EventCodec.read(Files.readString(DIR.resolve(type + ".json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String json(String type) {
    return EventCodec.write(read(type));
  }

  public static List<CloudEvent> statusLife() {
    return STATUS_LIFE.stream().map(GoldenEvents::read).toList();
  }
}
