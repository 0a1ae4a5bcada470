package io.pledge.bench.load;

/**
 * What happened to one planned request on the sending side. Written by one sender thread, read by
 * others after the load: fields are volatile.
 */
public final class RequestRecord {

  /** Accepted with a generation (REST 200, or a correlated {@code pledge.request.accepted}). */
  public static final String ACCEPTED = "accepted";

  /** Refused for good (a 4xx, or a correlated {@code pledge.request.rejected}). */
  public static final String REJECTED = "rejected";

  /** Sent (or tried) but never known to be accepted: REST gave up, or no answer event. */
  public static final String UNKNOWN = "unknown";

  private final PlannedRequest plan;
  private volatile long sentMicros;
  private volatile long generation = -1;
  private volatile String outcome = UNKNOWN;
  private volatile String detail;
  private volatile String eventId;
  private volatile int attempts;

  public RequestRecord(PlannedRequest plan) {
    this.plan = plan;
  }

  public PlannedRequest plan() {
    return plan;
  }

  /** When it was first sent, epoch microseconds; 0 when not yet. */
  public long sentMicros() {
    return sentMicros;
  }

  public void sent(long micros) {
    if (sentMicros == 0) {
      sentMicros = micros;
    }
  }

  public long generation() {
    return generation;
  }

  public String outcome() {
    return outcome;
  }

  public String detail() {
    return detail;
  }

  public boolean accepted() {
    return ACCEPTED.equals(outcome);
  }

  public void accept(long generation, String detail) {
    this.generation = generation;
    this.detail = detail;
    this.outcome = ACCEPTED;
  }

  public void reject(String detail) {
    this.detail = detail;
    this.outcome = REJECTED;
  }

  public void giveUp(String detail) {
    this.detail = detail;
    this.outcome = UNKNOWN;
  }

  /** The inbound CloudEvent's id (inbound requests only). */
  public String eventId() {
    return eventId;
  }

  public void eventId(String id) {
    this.eventId = id;
  }

  public int attempts() {
    return attempts;
  }

  public void attempt() {
    attempts++;
  }
}
