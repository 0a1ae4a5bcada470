package io.pledge.intake.inbound;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pledge.contract.event.EventCodec;
import io.pledge.contract.event.MalformedEventException;
import java.io.IOException;

/**
 * The {@code id} and {@code subject} of a CloudEvent, read by streaming over its JSON without
 * building its {@code data}: enough to answer an event too large to be read.
 */
record EventHeadline(String id, String subject) {

  /**
   * @throws MalformedEventException when the value is not a JSON object with a string {@code id}
   */
  static EventHeadline read(String json) {
    String id = null;
    String subject = null;
    try (JsonParser parser = EventCodec.JSON.getFactory().createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedEventException("not a CloudEvent: the value is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && field.equals("id")) {
          id = parser.getText();
        } else if (value == JsonToken.VALUE_STRING && field.equals("subject")) {
          subject = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new MalformedEventException("not a CloudEvent: " + e.getMessage());
    }
    if (id == null || id.isBlank()) {
      throw new MalformedEventException("not a CloudEvent: no id");
    }
    return new EventHeadline(id, subject);
  }

  /** The key of the event's answer: its subject, else its id. */
  String key() {
    return subject != null && !subject.isBlank() ? subject : id;
  }
}
