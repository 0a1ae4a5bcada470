package io.pledge.writer.batch;

import io.pledge.contract.work.Work;
import io.pledge.contract.work.WorkWithdrawn;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One thing to do with the state stores, decoded from a {@code pledge.works} record. */
public sealed interface Command {

  /** The record it came from; null when the writer re-evaluates a remembered Work. */
  ConsumerRecord<String, String> source();

  /** The Kafka key of its Work(s). */
  String key();

  /** Write a Work's files where the scheduler puts them. */
  record Upsert(Work work, ConsumerRecord<String, String> source) implements Command {
    @Override
    public String key() {
      return work.key();
    }
  }

  /** Remove a key's Works from every state store they were written to. */
  record Withdraw(WorkWithdrawn withdrawn, ConsumerRecord<String, String> source)
      implements Command {
    @Override
    public String key() {
      return withdrawn.key();
    }
  }
}
