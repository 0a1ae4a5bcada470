package io.pledge.oci.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of the Dockerfile language that needs no container runtime: {@code FROM} (an image or
 * {@code scratch}), {@code COPY}/{@code ADD} of local files (with {@code --chmod}), {@code ENV},
 * {@code WORKDIR}, {@code ENTRYPOINT}, {@code CMD} (exec or shell form), {@code USER}, {@code
 * LABEL}, and {@code ARG} with a default (substituted as {@code $NAME} / {@code ${NAME}}). {@code
 * RUN} is refused with a reason: running build steps needs a runtime (buildah, docker).
 *
 * @param from the base image, or {@code scratch}
 * @param steps the instructions after {@code FROM}, in order
 */
public record Containerfile(String from, List<Step> steps) {

  /** One instruction. */
  public sealed interface Step {}

  /** Copies {@code sources} (relative to the build folder) to {@code destination}. */
  public record Copy(List<String> sources, String destination, String chmod, String text)
      implements Step {}

  public record Env(Map<String, String> values) implements Step {}

  public record WorkDir(String path) implements Step {}

  /** {@code null} args clears (the exec form {@code []}). */
  public record Entrypoint(List<String> args) implements Step {}

  public record Cmd(List<String> args) implements Step {}

  public record User(String user) implements Step {}

  public record Label(Map<String, String> values) implements Step {}

  /** A Containerfile that cannot be built; the message names the line. */
  public static final class InvalidContainerfileException extends Exception {
    public InvalidContainerfileException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses a Containerfile's text. */
  public static Containerfile parse(String text) throws InvalidContainerfileException {
    String from = null;
    List<Step> steps = new ArrayList<>();
    Map<String, String> args = new LinkedHashMap<>();
    int lineNo = 0;
    for (String[] line : logicalLines(text)) {
      lineNo = Integer.parseInt(line[0]);
      String body = line[1];
      int space = body.indexOf(' ');
      String keyword = (space < 0 ? body : body.substring(0, space)).toUpperCase(Locale.ROOT);
      String rest = space < 0 ? "" : body.substring(space + 1).trim();
      if (!keyword.equals("ARG")) {
        rest = substitute(rest, args);
      }
      String where = "line " + lineNo + " (" + keyword + ")";
      switch (keyword) {
        case "FROM" -> {
          if (from != null) {
            throw invalid(where, "multi-stage builds are not supported");
          }
          String[] words = rest.split("\\s+");
          if (rest.isEmpty() || words.length > 1 && !words[1].equalsIgnoreCase("AS")) {
            throw invalid(where, "expected FROM <image> or FROM scratch");
          }
          from = unquote(words[0]);
        }
        case "ARG" -> {
          int eq = rest.indexOf('=');
          String name = eq < 0 ? rest : rest.substring(0, eq);
          args.put(name.trim(), eq < 0 ? "" : unquote(rest.substring(eq + 1).trim()));
        }
        case "RUN" ->
            throw invalid(
                where,
                "RUN needs a container runtime and this builder is daemonless: put files in place"
                    + " with COPY (build tools into a base image first), or build with buildah");
        default -> {
          if (from == null) {
            throw invalid(where, "the first instruction must be FROM");
          }
          steps.add(step(keyword, rest, where, body));
        }
      }
    }
    if (from == null) {
      throw new InvalidContainerfileException("the Containerfile has no FROM");
    }
    return new Containerfile(from, List.copyOf(steps));
  }

  private static Step step(String keyword, String rest, String where, String body)
      throws InvalidContainerfileException {
    return switch (keyword) {
      case "COPY", "ADD" -> copy(rest, where, body);
      case "ENV" -> new Env(pairs(rest, where, true));
      case "LABEL" -> new Label(pairs(rest, where, false));
      case "WORKDIR" -> new WorkDir(unquote(rest));
      case "USER" -> new User(unquote(rest));
      case "ENTRYPOINT" -> new Entrypoint(command(rest, where));
      case "CMD" -> new Cmd(command(rest, where));
      case "MAINTAINER", "EXPOSE", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "VOLUME", "ONBUILD" ->
          throw invalid(where, keyword + " is not supported by the daemonless builder");
      default -> throw invalid(where, "unknown instruction");
    };
  }

  private static Copy copy(String rest, String where, String body)
      throws InvalidContainerfileException {
    String chmod = null;
    List<String> words = new ArrayList<>();
    // Options come first and may be followed by the JSON form: COPY --chmod=644 ["a b", "/c"].
    String[] split = rest.split("\\s+", 2);
    while (split[0].startsWith("--")) {
      String w = split[0];
      if (w.startsWith("--chmod=")) {
        chmod = w.substring("--chmod=".length());
      } else if (w.startsWith("--chown=") || w.startsWith("--link")) {
        // Ownership is not recorded by a rootless build; links change nothing here.
      } else {
        throw invalid(where, "option " + w + " is not supported");
      }
      rest = split.length > 1 ? split[1] : "";
      split = rest.split("\\s+", 2);
    }
    if (rest.startsWith("[")) {
      words.addAll(jsonArray(rest, where));
    } else {
      for (String w : rest.split("\\s+")) {
        if (w.startsWith("--chmod=")) {
          chmod = w.substring("--chmod=".length());
        } else if (w.startsWith("--chown=") || w.startsWith("--link")) {
          // Ownership is not recorded by a rootless build; links change nothing here.
        } else if (w.startsWith("--")) {
          throw invalid(where, "option " + w + " is not supported");
        } else if (!w.isEmpty()) {
          words.add(unquote(w));
        }
      }
    }
    if (words.size() < 2) {
      throw invalid(where, "expected at least one source and a destination");
    }
    for (String source : words.subList(0, words.size() - 1)) {
      if (source.contains("://")) {
        throw invalid(where, "remote sources are not supported; download the file first");
      }
    }
    if (chmod != null && !chmod.matches("[0-7]{3,4}")) {
      throw invalid(where, "--chmod takes an octal mode such as 755");
    }
    return new Copy(
        List.copyOf(words.subList(0, words.size() - 1)), words.get(words.size() - 1), chmod, body);
  }

  private static List<String> command(String rest, String where)
      throws InvalidContainerfileException {
    if (rest.startsWith("[")) {
      List<String> args = jsonArray(rest, where);
      return args.isEmpty() ? null : args;
    }
    if (rest.isEmpty()) {
      throw invalid(where, "expected a command");
    }
    return List.of("/bin/sh", "-c", rest);
  }

  private static List<String> jsonArray(String rest, String where)
      throws InvalidContainerfileException {
    try {
      JsonNode node = JSON.readTree(rest);
      List<String> values = new ArrayList<>();
      for (JsonNode v : node) {
        if (!v.isTextual()) {
          throw invalid(where, "the exec form takes a JSON array of strings");
        }
        values.add(v.asText());
      }
      return values;
    } catch (IOException e) {
      throw invalid(where, "the exec form takes a JSON array of strings");
    }
  }

  private static Map<String, String> pairs(String rest, String where, boolean legacyForm)
      throws InvalidContainerfileException {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> words = splitRespectingQuotes(rest);
    if (legacyForm && !words.isEmpty() && !words.get(0).contains("=")) {
      int space = rest.indexOf(' ');
      if (space < 0) {
        throw invalid(where, "expected NAME=value or NAME value");
      }
      values.put(rest.substring(0, space), unquote(rest.substring(space + 1).trim()));
      return values;
    }
    for (String word : words) {
      int eq = word.indexOf('=');
      if (eq <= 0) {
        throw invalid(where, "expected NAME=value, got '" + word + "'");
      }
      values.put(unquote(word.substring(0, eq)), unquote(word.substring(eq + 1)));
    }
    return values;
  }

  private static List<String> splitRespectingQuotes(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    for (char c : text.toCharArray()) {
      if (quote != 0) {
        current.append(c);
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        current.append(c);
      } else if (Character.isWhitespace(c)) {
        if (current.length() > 0) {
          words.add(current.toString());
          current.setLength(0);
        }
      } else {
        current.append(c);
      }
    }
    if (current.length() > 0) {
      words.add(current.toString());
    }
    return words;
  }

  private static String unquote(String s) {
    if (s.length() >= 2
        && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  private static String substitute(String text, Map<String, String> args) {
    String result = text;
    for (Map.Entry<String, String> arg : args.entrySet()) {
      result =
          result
              .replace("${" + arg.getKey() + "}", arg.getValue())
              .replaceAll(
                  "\\$" + Pattern.quote(arg.getKey()) + "(?![A-Za-z0-9_])",
                  Matcher.quoteReplacement(arg.getValue()));
    }
    return result;
  }

  /** [line number, joined text] of each instruction; comments and blank lines dropped. */
  private static List<String[]> logicalLines(String text) {
    List<String[]> lines = new ArrayList<>();
    StringBuilder current = null;
    int start = 0;
    String[] physical = text.split("\r?\n", -1);
    for (int i = 0; i < physical.length; i++) {
      String line = physical[i].strip();
      if (current == null && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (current == null) {
        current = new StringBuilder();
        start = i + 1;
      } else if (line.startsWith("#")) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
      } else {
        current.append(line);
        lines.add(new String[] {String.valueOf(start), current.toString().trim()});
        current = null;
      }
    }
    if (current != null && !current.toString().isBlank()) {
      lines.add(new String[] {String.valueOf(start), current.toString().trim()});
    }
    return lines;
  }

  private static InvalidContainerfileException invalid(String where, String why) {
    return new InvalidContainerfileException("Containerfile " + where + ": " + why);
  }
}
