package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The platform kinds {@code pledge get} lists besides Promises and requests, with the names kubectl
 * takes for them and Kratix's printer columns.
 */
enum PlatformKinds {
  DESTINATIONS(
      "destinations",
      List.of("destination", "destinations", "dest", "dests"),
      List.of("NAME", "STATESTOREKIND", "STATESTORENAME", "READY"),
      d ->
          List.of(
              name(d),
              d.path("spec").path("stateStoreRef").path("kind").asText(""),
              d.path("spec").path("stateStoreRef").path("name").asText(""),
              ready(d))),
  GIT_STATE_STORES(
      "gitstatestores",
      List.of("gitstatestore", "gitstatestores"),
      List.of("NAME", "URL", "BRANCH", "READY"),
      s ->
          List.of(
              name(s),
              s.path("spec").path("url").asText(""),
              s.path("spec").path("branch").asText("main"),
              ready(s))),
  // Kratix names the bucket column "Name" too; BUCKET keeps the two apart.
  BUCKET_STATE_STORES(
      "bucketstatestores",
      List.of("bucketstatestore", "bucketstatestores"),
      List.of("NAME", "BUCKET", "ENDPOINT", "READY"),
      s ->
          List.of(
              name(s),
              s.path("spec").path("bucketName").asText(""),
              s.path("spec").path("endpoint").asText(""),
              ready(s))),
  NOTIFICATION_POLICIES(
      "notificationpolicies",
      List.of("notificationpolicy", "notificationpolicies"),
      List.of("NAME", "PROMISE", "RULES"),
      p ->
          List.of(
              name(p),
              p.path("spec").path("promise").asText("*"),
              Integer.toString(p.path("spec").path("rules").size())));

  final String path;
  final List<String> names;
  final List<String> columns;
  final Function<JsonNode, List<String>> row;

  PlatformKinds(
      String path, List<String> names, List<String> columns, Function<JsonNode, List<String>> row) {
    this.path = path;
    this.names = names;
    this.columns = columns;
    this.row = row;
  }

  /** The kind a name on the command line means, if it is one of these. */
  static Optional<PlatformKinds> of(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (PlatformKinds kind : values()) {
      if (kind.names.contains(lower)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /** The objects as a table with Kratix's columns. */
  String table(List<JsonNode> objects) {
    Table table = new Table(columns.toArray(String[]::new));
    objects.forEach(o -> table.row(row.apply(o).toArray(String[]::new)));
    return table.render();
  }

  /** What kubectl shows for a type/name it has not heard of. */
  String noneFound() {
    return "No " + path + " found.";
  }

  private static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  /** The Ready condition's status, as Kratix's READY column; empty while nothing is known. */
  private static String ready(JsonNode o) {
    for (JsonNode c : o.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return c.path("status").asText("");
      }
    }
    return "";
  }
}
