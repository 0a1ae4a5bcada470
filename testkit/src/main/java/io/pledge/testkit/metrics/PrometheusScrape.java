package io.pledge.testkit.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a Prometheus text endpoint ({@code /q/metrics}), for tests that look for a metric
 * with its labels: {@code scrape.value("pledge_notifier_notifications_total", Map.of("channel",
 * "slack"))}.
 */
public final class PrometheusScrape {

  /** One sample line: {@code name{labels} value}. */
  public record Sample(String name, Map<String, String> labels, double value) {

    /** Whether every given label has the given value here. */
    public boolean has(Map<String, String> wanted) {
      return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
  }

  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final List<Sample> samples;

  private PrometheusScrape(List<Sample> samples) {
    this.samples = samples;
  }

  /** Parses the text exposition format (version 0.0.4 and OpenMetrics alike). */
  public static PrometheusScrape parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
      }
      double value;
      try {
        value = Double.parseDouble(m.group(3));
      } catch (NumberFormatException e) {
        continue;
      }
      samples.add(new Sample(m.group(1), Map.copyOf(labels), value));
    }
    return new PrometheusScrape(List.copyOf(samples));
  }

  /** GETs {@code url} (e.g. {@code http://127.0.0.1:8080/q/metrics}) and parses it. */
  public static PrometheusScrape of(String url) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/plain").build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + response.statusCode());
      }
      return parse(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The samples called {@code name} with (at least) the given labels. */
  public List<Sample> samples(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
  }

  /** The sum of the samples called {@code name} with the given labels; 0 when there is none. */
  public double value(String name, Map<String, String> labels) {
    return samples(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /** Whether a sample called {@code name} is there, whatever its labels and value. */
  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }
}
