package io.pledge.bench.history;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.bench.load.RequestDocuments;
import io.pledge.contract.ResourceKey;
import io.pledge.contract.Topics;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.notification.NotificationDelivered;
import io.pledge.contract.pipeline.PipelineLog;
import io.pledge.contract.pipeline.PipelineStarted;
import io.pledge.contract.pipeline.PipelineSucceeded;
import io.pledge.contract.pipeline.WorkflowCompleted;
import io.pledge.contract.pipeline.WorkflowRef;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.work.Placement;
import io.pledge.contract.work.WorkCommitted;
import io.pledge.contract.work.WorkScheduled;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The past of {@code --history N}: what N resources of the bench Promise in namespace {@value
 * #NAMESPACE} leave on the topics after they were applied and Reconciled, as the services would
 * have written it. Every fourth resource was updated once (two generations), so a resource has
 * {@value #STATUS_PER_GENERATION} status events per generation and 10 on average. Pure: the same
 * index and time give the same records (event ids aside).
 *
 * <p>Per generation: on {@code pledge.status} request accepted, pipeline started and succeeded,
 * workflow completed, work scheduled and committed, Slack {@code reconciled} and billing {@code
 * created}/{@code updated} delivered; on {@code pledge.requests} the request applied; on {@code
 * pledge.logs} the stage's log; on {@code pledge.runner.resources} the runner's last-run record; on
 * {@code pledge.placements} the writer's placement record; on {@code
 * pledge.notifications.delivered} one ledger record per delivery. No Work on {@code pledge.works}:
 * Git is not touched.
 */
public final class HistoryPlan {

  public static final String NAMESPACE = "history";
  public static final String PROMISE = "bench";
  public static final String PIPELINE = "render";
  public static final String CONTAINER = "render";
  public static final String DESTINATION = "bench-worker";
  public static final String STATE_STORE = "GitStateStore/bench";
  public static final String REQUESTER = "platform-admin";

  /** Status events one generation leaves on {@code pledge.status}. */
  public static final int STATUS_PER_GENERATION = 8;

  /** One record to write. */
  public record Record(String topic, String key, String value) {}

  private static final EventCodec INTAKE = codec("/pledge/request-intake");
  private static final EventCodec RUNNER = codec("/pledge/pipeline-runner");
  private static final EventCodec WRITER = codec("/pledge/state-writer");
  private static final EventCodec NOTIFIER = codec("/pledge/notifier");

  private HistoryPlan() {}

  private static EventCodec codec(String source) {
    return new EventCodec(source, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  }

  /** The name of the {@code index}th resource. */
  public static String name(int index) {
    return String.format("h-%06d", index);
  }

  public static ResourceKey key(int index) {
    return new ResourceKey(NAMESPACE, PROMISE, name(index));
  }

  /** Generations of the {@code index}th resource: every fourth was updated once. */
  public static int generations(int index) {
    return index % 4 == 0 ? 2 : 1;
  }

  /** Records per topic that {@code resources} resources make, in the order of {@link #topics}. */
  public static Map<String, Long> expectedCounts(int resources) {
    long gens = 0;
    for (int i = 0; i < resources; i++) {
      gens += generations(i);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put(Topics.STATUS, gens * STATUS_PER_GENERATION);
    counts.put(Topics.REQUESTS, gens);
    counts.put(Topics.LOGS, gens);
    counts.put(Topics.RUNNER_RESOURCES, gens);
    counts.put(Topics.PLACEMENTS, gens);
    counts.put(Topics.NOTIFICATIONS_DELIVERED, gens * 2);
    return counts;
  }

  /** The topics the history is written to. */
  public static List<String> topics() {
    return List.copyOf(expectedCounts(0).keySet());
  }

  /**
   * Every record of the {@code index}th resource, each topic's in the order the services wrote
   * them; the events' times start at {@code start} and are a millisecond apart.
   */
  public static List<Record> resource(int index, Instant start, int payloadBytes) {
    ResourceKey key = key(index);
    String k = key.toString();
    String groupId = groupId(k);
    List<Record> out = new ArrayList<>();
    Instant t = start;
    for (int g = 1; g <= generations(index); g++) {
      ObjectNode doc = document(index, g, payloadBytes);
      String specHash = sha1(doc.path("spec").toString()).substring(0, 16);
      WorkflowRef ref = new WorkflowRef(k, WorkflowRef.RESOURCE, WorkflowRef.CONFIGURE, g);
      String path =
          DESTINATION
              + "/resources/"
              + NAMESPACE
              + "/"
              + PROMISE
              + "/"
              + key.name()
              + "/"
              + PIPELINE
              + "/"
              + groupId.substring(0, 5)
              + "/configmap.yaml";
      Placement scheduled = new Placement(DESTINATION, groupId, STATE_STORE, null, null, false);
      Placement committed =
          new Placement(DESTINATION, groupId, STATE_STORE, sha1(k + "#" + g), List.of(path), false);

      out.add(
          new Record(
              Topics.REQUESTS,
              k,
              event(
                  INTAKE,
                  EventType.REQUEST_APPLIED,
                  k,
                  t,
                  new RequestApplied(key, g, specHash, doc))));
      out.add(
          status(
              INTAKE,
              EventType.REQUEST_ACCEPTED,
              k,
              t,
              new RequestAccepted(key, g, specHash, "apply", REQUESTER)));
      t = t.plusMillis(1);
      out.add(
          status(
              RUNNER,
              EventType.PIPELINE_STARTED,
              k,
              t,
              new PipelineStarted(ref, PIPELINE, 0, 1, 1)));
      t = t.plusMillis(1);
      out.add(
          new Record(
              Topics.LOGS,
              k,
              event(
                  RUNNER,
                  EventType.PIPELINE_LOG,
                  k,
                  t,
                  new PipelineLog(ref, PIPELINE, CONTAINER, "", "", 0, false))));
      out.add(
          status(
              RUNNER,
              EventType.PIPELINE_SUCCEEDED,
              k,
              t,
              new PipelineSucceeded(ref, PIPELINE, 0, 1, null, 1)));
      t = t.plusMillis(1);
      out.add(
          status(
              RUNNER,
              EventType.WORKFLOW_COMPLETED,
              k,
              t,
              new WorkflowCompleted(ref, List.of(PIPELINE))));
      out.add(new Record(Topics.RUNNER_RESOURCES, k, runnerIndex(k, g, doc, t)));
      t = t.plusMillis(1);
      out.add(
          new Record(
              Topics.PLACEMENTS,
              "placement/" + k + "#resource#" + PIPELINE + "/" + groupId,
              placement(key, g, groupId)));
      out.add(
          status(
              WRITER,
              EventType.WORK_SCHEDULED,
              k,
              t,
              new WorkScheduled(k, g, PIPELINE, List.of(scheduled), List.of(), "Scheduled")));
      t = t.plusMillis(1);
      out.add(
          status(
              WRITER,
              EventType.WORK_COMMITTED,
              k,
              t,
              new WorkCommitted(k, g, PIPELINE, List.of(committed))));
      t = t.plusMillis(1);
      for (String[] delivery :
          new String[][] {{"reconciled", "slack"}, {g == 1 ? "created" : "updated", "billing"}}) {
        String value =
            event(
                NOTIFIER,
                EventType.NOTIFICATION_DELIVERED,
                k,
                t,
                new NotificationDelivered(
                    k, g, delivery[0], delivery[1], NotificationDelivered.SENT, 1, "HTTP 200"));
        out.add(new Record(Topics.STATUS, k, value));
        out.add(
            new Record(
                Topics.NOTIFICATIONS_DELIVERED,
                k + "#" + g + "#" + delivery[0] + "#" + delivery[1],
                value));
        t = t.plusMillis(1);
      }
    }
    return out;
  }

  /** The request document at generation {@code g}, as intake defaults and stores it. */
  static ObjectNode document(int index, int g, int payloadBytes) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode doc = f.objectNode();
    doc.put("apiVersion", RequestDocuments.API_VERSION);
    doc.put("kind", RequestDocuments.KIND);
    ObjectNode metadata = doc.putObject("metadata");
    metadata.put("name", name(index));
    metadata.put("namespace", NAMESPACE);
    metadata.put("generation", g);
    ObjectNode spec = doc.putObject("spec");
    long seq = (long) index * 2 + g;
    spec.put("seq", seq);
    spec.put("size", "small");
    if (payloadBytes > 0) {
      spec.put("payload", RequestDocuments.payload(seq, payloadBytes));
    }
    return doc;
  }

  /** pipeline-runner's last-run record ({@code ResourceTable.put}). */
  private static String runnerIndex(String key, int g, ObjectNode doc, Instant completedAt) {
    ObjectNode value = EventCodec.JSON.createObjectNode();
    value.put("key", key);
    value.put("generation", g);
    value.set("resource", doc);
    value.put("lastTrigger", "history-" + key + "-" + g);
    value.put("completedAt", completedAt.toEpochMilli());
    return value.toString();
  }

  /** state-writer's placement record ({@code PlacementRecord}). */
  private static String placement(ResourceKey key, int g, String groupId) {
    ObjectNode value = EventCodec.JSON.createObjectNode();
    value.put("key", key.toString());
    value.put("workType", "resource");
    value.put("promise", key.promise());
    value.put("resourceNamespace", key.namespace());
    value.put("resourceName", key.name());
    value.put("pipeline", PIPELINE);
    value.put("workloadGroupId", groupId);
    value.putArray("destinations").add(DESTINATION);
    value.put("generation", g);
    value.putObject("selector");
    value.putArray("misplaced");
    return value.toString();
  }

  private static Record status(
      EventCodec codec, EventType type, String key, Instant time, Object data) {
    return new Record(Topics.STATUS, key, event(codec, type, key, time, data));
  }

  private static String event(
      EventCodec codec, EventType type, String key, Instant time, Object data) {
    CloudEvent e = codec.event(type, key, data);
    return EventCodec.write(
        new CloudEvent(
            e.specversion(),
            e.id(),
            e.source(),
            e.type(),
            e.subject(),
            time,
            e.datacontenttype(),
            e.dataschema(),
            null,
            e.data()));
  }

  private static String groupId(String key) {
    return sha1(key + "#" + PIPELINE).substring(0, 32);
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
