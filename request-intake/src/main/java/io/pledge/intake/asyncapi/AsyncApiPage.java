package io.pledge.intake.asyncapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pledge.contract.event.EventCodec;
import java.util.Iterator;
import java.util.Map;

/**
 * The AsyncAPI document as one HTML page, rendered here with no script and no asset from anywhere
 * else: each topic, the events on it, and each event's data schema, folded.
 */
public final class AsyncApiPage {

  private AsyncApiPage() {}

  /** The page for {@code document} ({@link AsyncApiDocument#build}). */
  public static String render(JsonNode document) {
    StringBuilder html = new StringBuilder(32_768);
    String title =
        document.at("/info/title").asText() + " " + document.at("/info/version").asText();
    html.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>")
        .append(escape(title))
        .append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;")
        .append("padding:0 1rem;line-height:1.5}code,pre{font-family:ui-monospace,monospace}")
        .append("pre{background:#f4f4f4;padding:.75rem;overflow:auto}")
        .append("section{border-top:1px solid #ccc;margin-top:1.5rem}</style></head><body>\n")
        .append("<h1>")
        .append(escape(title))
        .append("</h1>\n<p>")
        .append(escape(document.at("/info/description").asText()))
        .append("</p>\n<p>Machine-readable: <a href=\"/api/v1/asyncapi\">/api/v1/asyncapi</a>")
        .append(" (AsyncAPI 3.0, JSON or YAML).</p>\n<nav><h2>Topics</h2><ul>\n");
    for (Iterator<Map.Entry<String, JsonNode>> it = document.path("channels").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> channel = it.next();
      html.append("<li><a href=\"#")
          .append(escape(channel.getKey()))
          .append("\"><code>")
          .append(escape(channel.getValue().path("address").asText()))
          .append("</code></a></li>\n");
    }
    html.append("</ul></nav>\n");
    for (Iterator<Map.Entry<String, JsonNode>> it = document.path("channels").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> channel = it.next();
      JsonNode c = channel.getValue();
      html.append("<section id=\"")
          .append(escape(channel.getKey()))
          .append("\"><h2><code>")
          .append(escape(c.path("address").asText()))
          .append("</code></h2>\n<p>")
          .append(escape(c.path("description").asText()))
          .append("</p>\n");
      for (Iterator<String> names = c.path("messages").fieldNames(); names.hasNext(); ) {
        String name = names.next();
        html.append("<h3><code>").append(escape(name)).append("</code></h3>\n");
        JsonNode schema = document.path("components").path("schemas").path(name);
        if (!schema.isMissingNode()) {
          html.append("<p>")
              .append(escape(schema.path("description").asText()))
              .append("</p>\n<details><summary>data schema</summary><pre>")
              .append(escape(pretty(schema)))
              .append("</pre></details>\n");
        }
      }
      html.append("</section>\n");
    }
    return html.append("</body></html>\n").toString();
  }

  private static String pretty(JsonNode node) {
    try {
      return EventCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
