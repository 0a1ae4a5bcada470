package io.pledge.intake.inbound;

import io.pledge.intake.problem.ProblemException;

/**
 * The limits of {@code POST /api/v1/apply} ({@code pledge.intake.max-body-size}, {@code
 * max-documents}), applied to an inbound event before any of it is applied: an event over them is
 * refused as a whole with the 413 a REST body would get.
 */
record InboundLimits(long maxBytes, int maxDocuments) {

  /**
   * @param bytes the record value's serialized size
   * @throws ProblemException 413 when over {@code max-body-size}
   */
  void requireBytes(long bytes) {
    if (bytes > maxBytes) {
      throw ProblemException.tooLarge(
          "The event has "
              + bytes
              + " bytes; at most "
              + maxBytes
              + " are accepted (pledge.intake.max-body-size)");
    }
  }

  /**
   * @param documents how many documents the event's data holds
   * @throws ProblemException 413 when over {@code max-documents}
   */
  void requireDocuments(int documents) {
    if (documents > maxDocuments) {
      throw ProblemException.tooLarge(
          "The event holds "
              + documents
              + " documents; at most "
              + maxDocuments
              + " fit (pledge.intake.max-documents)");
    }
  }
}
