package io.pledge.intake.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.contract.event.CloudEvent;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.EventType;
import io.pledge.contract.request.RequestAccepted;
import io.pledge.contract.request.RequestApplied;
import io.pledge.contract.resource.ResourceRecord;
import io.pledge.intake.apply.RequestIntent.Action;
import io.pledge.intake.view.Hashes;
import io.pledge.intake.view.ResourceFold;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The owner's decisions, one intent after another on one key, each result folded into the record
 * the next intent is decided against, as {@code ResourceOwner} does.
 */
class RequestDeciderTest {

  private static final String KEY = "default/redis/cache";
  private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");

  private final RequestDecider decider = new RequestDecider(new EventCodec("/pledge/test"));
  private ResourceRecord record;
  private int position;

  @Test
  void aFirstApplyCreatesGenerationOneAndWritesAcceptedAndApplied() {
    RequestDecider.Result r = next(apply("small"));
    assertThat(r.decision().outcome()).isEqualTo(Outcome.CREATED);
    assertThat(r.decision().generation()).isEqualTo(1);
    assertThat(r.decision().kind()).isEqualTo("redis");
    assertThat(types(r))
        .containsExactly(EventType.REQUEST_ACCEPTED.type(), EventType.REQUEST_APPLIED.type());
    RequestApplied applied = EventCodec.data(r.events().get(1), RequestApplied.class);
    assertThat(applied.resource().path("metadata").path("generation").asLong()).isEqualTo(1);
    assertThat(record.request().generation()).isEqualTo(1);
  }

  @Test
  void concurrentAppliesOfOneKeyGetDistinctIncreasingGenerations() {
    next(apply("a"));
    assertThat(next(apply("b")).decision().generation()).isEqualTo(2);
    assertThat(next(apply("c")).decision().generation()).isEqualTo(3);
    RequestDecider.Result same = next(apply("c"));
    assertThat(same.decision().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(same.decision().generation()).isEqualTo(3);
    assertThat(same.events()).as("an unchanged REST apply writes nothing").isEmpty();
  }

  @Test
  void anUnchangedInboundApplyIsStillAnsweredWithAnAcceptance() {
    next(apply("a"));
    RequestIntent inbound =
        new RequestIntent("i", Action.APPLY, KEY, "sys", "evt-1", doc("a"), spec("a"), meta("a"));
    RequestDecider.Result r = next(inbound);
    assertThat(r.decision().outcome()).isEqualTo(Outcome.UNCHANGED);
    assertThat(types(r)).containsExactly(EventType.REQUEST_ACCEPTED.type());
    assertThat(r.events().get(0).correlationid()).isEqualTo("evt-1");
  }

  @Test
  void deleteThenDeleteAgainThenReconcile() {
    next(apply("a"));
    RequestDecider.Result deleted = next(other(Action.DELETE));
    assertThat(deleted.decision().outcome()).isEqualTo(Outcome.DELETED);
    assertThat(deleted.decision().generation()).isEqualTo(1);
    assertThat(types(deleted))
        .containsExactly(EventType.REQUEST_ACCEPTED.type(), EventType.REQUEST_DELETED.type());
    assertThat(EventCodec.data(deleted.events().get(0), RequestAccepted.class).action())
        .isEqualTo("delete");
    RequestDecider.Result again = next(other(Action.DELETE));
    assertThat(again.decision().outcome())
        .as("a delete in progress is not started twice")
        .isEqualTo(Outcome.UNCHANGED);
    assertThat(again.events()).isEmpty();
    RequestDecider.Result reconcile = next(other(Action.RECONCILE));
    assertThat(reconcile.decision().refused()).isTrue();
    assertThat(reconcile.decision().status()).isEqualTo(409);
  }

  @Test
  void anApplyAfterADeleteContinuesAfterTheDeletedGeneration() {
    next(apply("a"));
    next(apply("b"));
    next(other(Action.DELETE));
    RequestDecider.Result r = next(apply("a"));
    assertThat(r.decision().outcome()).isEqualTo(Outcome.CREATED);
    assertThat(r.decision().generation()).isEqualTo(3);
  }

  @Test
  void anUnknownResourceCannotBeDeletedOrReconciled() {
    RequestDecider.Result delete = next(other(Action.DELETE));
    assertThat(delete.decision().status()).isEqualTo(404);
    assertThat(delete.decision().detail()).isEqualTo("No resource " + KEY);
    assertThat(delete.events()).isEmpty();
    assertThat(next(other(Action.RECONCILE)).decision().status()).isEqualTo(404);
  }

  @Test
  void aReconcileKeepsTheGenerationAndAsksForARun() {
    next(apply("a"));
    RequestDecider.Result r = next(other(Action.RECONCILE));
    assertThat(r.decision().outcome()).isEqualTo(Outcome.RECONCILING);
    assertThat(r.decision().generation()).isEqualTo(1);
    assertThat(types(r))
        .containsExactly(EventType.REQUEST_ACCEPTED.type(), EventType.RECONCILE_REQUESTED.type());
  }

  @Test
  void theSameIntentAtTheSamePositionGivesTheSameEvents() {
    RequestIntent intent = apply("a");
    RequestDecider.Result first = decider.decide(null, intent, "intents-0@7", T);
    RequestDecider.Result again = decider.decide(null, intent, "intents-0@7", T);
    assertThat(again).isEqualTo(first);
    assertThat(first.events().get(0).id()).isNotEqualTo(first.events().get(1).id());
  }

  /** Decides {@code intent} against the record so far and folds its events in. */
  private RequestDecider.Result next(RequestIntent intent) {
    RequestDecider.Result r = decider.decide(record, intent, "intents-0@" + position++, T);
    for (CloudEvent e : r.events()) {
      record = ResourceFold.apply(record, KEY, e);
    }
    return r;
  }

  private static List<String> types(RequestDecider.Result r) {
    return r.events().stream().map(CloudEvent::type).toList();
  }

  private static RequestIntent apply(String size) {
    return new RequestIntent(
        "id-" + size, Action.APPLY, KEY, "alice", null, doc(size), spec(size), meta(size));
  }

  private static RequestIntent other(Action action) {
    return new RequestIntent("id-" + action, action, KEY, "alice", null, null, null, null);
  }

  private static JsonNode doc(String size) {
    ObjectNode d = EventCodec.JSON.createObjectNode();
    d.put("apiVersion", "example.pledge.io/v1");
    d.put("kind", "redis");
    ObjectNode m = d.putObject("metadata");
    m.put("name", "cache");
    m.put("namespace", "default");
    m.put("generation", 0);
    d.putObject("spec").put("size", size);
    return d;
  }

  private static String spec(String size) {
    return Hashes.spec(doc(size));
  }

  private static String meta(String size) {
    return Hashes.meta(doc(size));
  }
}
