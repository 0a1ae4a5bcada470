package io.pledge.bench.load;

/**
 * One request the harness will send.
 *
 * @param index position in the whole run, from 0
 * @param phase the phase it belongs to
 * @param name the resource's name (namespace {@link RequestPlan#NAMESPACE}, Promise {@link
 *     RequestPlan#PROMISE})
 * @param via how it is sent; all requests of one resource go the same way, so their order holds
 * @param offsetMicros when to send it, after its phase started; 0 for every request of a max-rate
 *     phase
 * @param seq the value of {@code spec.seq}: unique per request, so every request changes its
 *     resource's spec and the manifest tells which request it came from
 */
public record PlannedRequest(
    int index, Phase phase, String name, Via via, long offsetMicros, long seq) {

  /** The resource key, {@code <namespace>/<promise>/<name>}. */
  public String key() {
    return RequestPlan.NAMESPACE + "/" + RequestPlan.PROMISE + "/" + name;
  }
}
