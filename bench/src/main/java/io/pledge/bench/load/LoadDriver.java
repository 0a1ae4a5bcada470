package io.pledge.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pledge.bench.measure.Clock;
import io.pledge.contract.event.EventCodec;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the requests of a phase on schedule: REST requests through a fixed set of workers (one
 * resource always on the same worker, so its requests are sent one after the other, in order),
 * inbound requests through one producer (one resource's records share a partition). A REST request
 * is retried while intake is unreachable or answers 5xx/429 (as during a kill or a broker restart),
 * so "accepted" means intake answered 200 with a generation.
 */
public final class LoadDriver implements AutoCloseable {

  private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

  private final IntakeClient intake;
  private final InboundPublisher inbound;
  private final int payloadBytes;
  private final List<BlockingQueue<Runnable>> queues = new ArrayList<>();
  private final List<Thread> workers = new ArrayList<>();
  private final AtomicInteger restRetries = new AtomicInteger();
  private final ExecutorService inboundSender =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "bench-inbound");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean stopped;

  public LoadDriver(
      IntakeClient intake, InboundPublisher inbound, int concurrency, int payloadBytes) {
    this.intake = intake;
    this.inbound = inbound;
    this.payloadBytes = payloadBytes;
    for (int i = 0; i < concurrency; i++) {
      BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
      queues.add(queue);
      Thread worker =
          new Thread(
              () -> {
                while (!stopped) {
                  try {
                    queue.take().run();
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-rest-" + i);
      worker.setDaemon(true);
      worker.start();
      workers.add(worker);
    }
  }

  /**
   * Sends every record of one phase at its offset after now, and returns once each REST request was
   * answered (or given up) and each inbound record acknowledged by the broker.
   */
  public void run(List<RequestRecord> records) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(records.size());
    long start = System.nanoTime();
    for (RequestRecord record : records) {
      if (stopped) {
        return;
      }
      long due = start + record.plan().offsetMicros() * 1_000L;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      ObjectNode document = RequestDocuments.of(record.plan(), payloadBytes);
      if (record.plan().via() == Via.REST) {
        queueFor(record).add(() -> sendRest(record, document, done));
      } else {
        // Handed to one sending thread, in order: while the broker is away the producer blocks
        // there, not here, so REST requests keep their schedule. The request counts as sent now.
        record.sent(Clock.micros());
        inboundSender.execute(
            () ->
                inbound.send(
                    record,
                    document,
                    e -> {
                      if (e != null) {
                        record.giveUp("not produced: " + e);
                      }
                      done.countDown();
                    }));
      }
    }
    while (!done.await(1, TimeUnit.SECONDS)) {
      if (stopped) {
        return;
      }
    }
  }

  /** REST answers that were retried (5xx, 429, unreachable intake). */
  public int restRetries() {
    return restRetries.get();
  }

  private BlockingQueue<Runnable> queueFor(RequestRecord record) {
    return queues.get(Math.floorMod(record.plan().name().hashCode(), queues.size()));
  }

  private void sendRest(RequestRecord record, JsonNode document, CountDownLatch done) {
    try {
      String body = EventCodec.JSON.writeValueAsString(document);
      long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
      long backoff = 50;
      while (!stopped) {
        record.attempt();
        record.sent(Clock.micros());
        String failure;
        try {
          HttpResponse<String> response = intake.apply(body, "application/json");
          int status = response.statusCode();
          if (status / 100 == 2) {
            accept(record, response.body());
            return;
          }
          if (status / 100 == 4 && status != 429 && status != 408) {
            record.reject(status + " " + abbreviate(response.body()));
            return;
          }
          failure = status + " " + abbreviate(response.body());
        } catch (IOException e) {
          failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (System.nanoTime() > deadline) {
          record.giveUp("gave up after " + GIVE_UP_AFTER + ": " + failure);
          return;
        }
        restRetries.incrementAndGet();
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 2_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      record.giveUp(e.toString());
    } finally {
      done.countDown();
    }
  }

  /** Reads {@code [{kind, name, namespace, generation, outcome}]}. */
  static void accept(RequestRecord record, String body) throws IOException {
    JsonNode answer = EventCodec.JSON.readTree(body);
    JsonNode first = answer.isArray() ? answer.path(0) : answer;
    long generation = first.path("generation").asLong(-1);
    if (generation < 1) {
      record.giveUp("no generation in the answer: " + abbreviate(body));
      return;
    }
    record.accept(generation, first.path("outcome").asText(""));
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  @Override
  public void close() {
    stopped = true;
    inboundSender.shutdownNow();
    workers.forEach(Thread::interrupt);
  }
}
