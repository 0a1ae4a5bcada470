package io.pledge.bench.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.EventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what the Slack and billing stubs accepted ({@code inbox/slack.jsonl}, {@code
 * inbox/billing.jsonl}: one line per call answered 2xx) into {@link Delivery}s. Slack texts follow
 * the benchmark NotificationPolicy's template, {@code bench <key> <event> generation <n>}.
 */
public final class InboxReader {

  static final Pattern SLACK_TEXT =
      Pattern.compile("bench (\\S+/\\S+/\\S+) (\\w+) generation (\\d+)");

  private InboxReader() {}

  public static List<Delivery> read(Path inbox) throws IOException {
    List<Delivery> deliveries = new ArrayList<>();
    for (String line : lines(inbox.resolve("slack.jsonl"))) {
      Delivery d = slack(EventCodec.JSON.readTree(line));
      if (d != null) {
        deliveries.add(d);
      }
    }
    for (String line : lines(inbox.resolve("billing.jsonl"))) {
      Delivery d = billing(EventCodec.JSON.readTree(line));
      if (d != null) {
        deliveries.add(d);
      }
    }
    return deliveries;
  }

  /** Calls the stubs refused while failing on purpose, per file. */
  public static int refused(Path inbox, String name) throws IOException {
    return lines(inbox.resolve(name + ".refused.jsonl")).size();
  }

  static Delivery slack(JsonNode entry) {
    Matcher m = SLACK_TEXT.matcher(entry.path("body").path("text").asText(""));
    if (!m.find()) {
      return null;
    }
    return new Delivery("slack", m.group(1), m.group(2), Long.parseLong(m.group(3)), null);
  }

  static Delivery billing(JsonNode entry) {
    JsonNode body = entry.path("body");
    String key = body.path("resource").path("key").asText(null);
    if (key == null) {
      return null;
    }
    String idempotency =
        entry.hasNonNull("idempotencyKey")
            ? entry.get("idempotencyKey").asText()
            : body.path("idempotencyKey").asText(null);
    return new Delivery(
        "billing",
        key,
        body.path("action").asText(""),
        body.path("generation").asLong(-1),
        idempotency);
  }

  private static List<String> lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
  }
}
