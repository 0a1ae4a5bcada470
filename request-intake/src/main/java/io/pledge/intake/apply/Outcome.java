package io.pledge.intake.apply;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an apply or delete did to one object, as kubectl reports it. */
public enum Outcome {
  CREATED,
  CONFIGURED,
  UNCHANGED,
  DELETED,
  RECONCILING;

  @JsonValue
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
