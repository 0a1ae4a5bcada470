package io.pledge.bench.measure;

import java.time.Instant;

/** Wall-clock time in epoch microseconds: what event times and send times are compared in. */
public final class Clock {

  private Clock() {}

  public static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  public static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }
}
