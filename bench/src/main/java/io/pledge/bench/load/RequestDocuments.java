package io.pledge.bench.load;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Benchmark documents the harness applies. Pure. */
public final class RequestDocuments {

  public static final String API_VERSION = "bench.pledge.io/v1";
  public static final String KIND = "Benchmark";

  private RequestDocuments() {}

  /** The request document of {@code request}, with a filler of {@code payloadBytes} characters. */
  public static ObjectNode of(PlannedRequest request, int payloadBytes) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode doc = f.objectNode();
    doc.put("apiVersion", API_VERSION);
    doc.put("kind", KIND);
    ObjectNode metadata = doc.putObject("metadata");
    metadata.put("name", request.name());
    metadata.put("namespace", RequestPlan.NAMESPACE);
    ObjectNode spec = doc.putObject("spec");
    spec.put("seq", request.seq());
    spec.put("size", "small");
    if (payloadBytes > 0) {
      spec.put("payload", payload(request.seq(), payloadBytes));
    }
    return doc;
  }

  /** Letters and digits only, so the stage can copy it into YAML without quoting rules. */
  public static String payload(long seq, int bytes) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(bytes);
    long x = seq * 2654435761L + 12345;
    for (int i = 0; i < bytes; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      sb.append(alphabet.charAt((int) ((x >>> 33) % alphabet.length())));
    }
    return sb.toString();
  }
}
