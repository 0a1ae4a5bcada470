package io.pledge.notifier.slack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.status.ResourceStatus;
import io.pledge.contract.work.Placement;
import io.pledge.notifier.delivery.Notification;
import io.pledge.notifier.lifecycle.LifecycleEvent;
import io.pledge.notifier.lifecycle.LifecycleText;
import java.util.List;

/**
 * The Slack incoming-webhook payload for a lifecycle event: {@code text} (the notification and
 * fallback line) and Block Kit {@code blocks} with the Destinations and commits.
 */
public final class SlackMessage {

  /** Slack accepts at most 10 fields in a section block. */
  static final int MAX_FIELDS = 10;

  private SlackMessage() {}

  /**
   * The JSON body to POST: the rule's text if it has one, else the built-in message; in the rule's
   * channel if it names one (already checked to be one channel).
   */
  public static ObjectNode payload(Notification notification) {
    ObjectNode body;
    if (notification.text().isEmpty()) {
      body = payload(notification.about());
    } else {
      // Escaped as a whole: values from the request's spec must not become mentions or links.
      String text = escape(notification.text().get());
      body = payload(notification.about(), text, text);
    }
    if (!notification.to().isEmpty()) {
      body.put("channel", notification.to().get(0));
    }
    return body;
  }

  /** The JSON body to POST for the built-in message. */
  public static ObjectNode payload(LifecycleEvent event) {
    return payload(event, escape(LifecycleText.summary(event)), headline(event));
  }

  private static ObjectNode payload(LifecycleEvent event, String text, String headline) {
    ObjectNode body = EventCodec.JSON.createObjectNode();
    body.put("text", text);
    ArrayNode blocks = body.putArray("blocks");
    section(blocks, headline);
    List<Placement> placements = LifecycleText.distinctPlacements(event.status());
    if (!placements.isEmpty()) {
      ObjectNode fields = blocks.addObject().put("type", "section");
      ArrayNode list = fields.putArray("fields");
      placements.stream()
          .limit(MAX_FIELDS)
          .forEach(p -> mrkdwn(list.addObject(), placementField(p)));
    }
    ObjectNode context = blocks.addObject().put("type", "context");
    mrkdwn(
        context.putArray("elements").addObject(),
        "Pledge · `" + escape(event.key().toString()) + "`");
    return body;
  }

  private static String headline(LifecycleEvent event) {
    ResourceKey key = event.key();
    String resource =
        "*" + escape(key.promise()) + "* `" + escape(key.namespace() + "/" + key.name()) + "`";
    String generation = " (generation " + event.generation() + ")";
    ResourceStatus status = event.status();
    return switch (event.lifecycle()) {
      case REQUESTED ->
          resource
              + " was *requested*"
              + generation
              + (status.requester() == null ? "" : " by " + escape(status.requester()));
      case RECONCILED -> resource + " is *Reconciled*" + generation;
      case FAILED ->
          resource + " is *Failing*" + generation + "\n" + escape(LifecycleText.why(status));
      case DELETED -> resource + " was *deleted*" + generation;
      case CREATED -> resource + " was *created*" + generation;
      case UPDATED -> resource + " was *updated*" + generation;
      case PIPELINE -> resource + generation;
    };
  }

  private static String placementField(Placement p) {
    return "*"
        + escape(p.destination())
        + "*\n"
        + (p.version() == null ? "pending" : "`" + escape(p.version()) + "`")
        + (p.stateStore() == null ? "" : " in " + escape(p.stateStore()));
  }

  private static void section(ArrayNode blocks, String text) {
    mrkdwn(blocks.addObject().put("type", "section").putObject("text"), text);
  }

  private static void mrkdwn(ObjectNode node, String text) {
    node.put("type", "mrkdwn").put("text", text);
  }

  /** Slack's three control characters in message text. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
