package io.pledge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * kubectl's {@code -o jsonpath=TEMPLATE}, the part scripts use: text outside braces as it is,
 * {@code {.a.b[0].c}}, {@code [*]} over a list, {@code {range EXPR}...{end}} once per element, and
 * string literals such as {@code {"\n"}}. Several values of one expression are joined with a space,
 * as kubectl joins them.
 */
final class JsonPathTemplate {

  private sealed interface Part permits Text, Expr, Range {}

  private record Text(String text) implements Part {}

  private record Expr(List<String> steps) implements Part {}

  private record Range(List<String> steps, List<Part> body) implements Part {}

  private final List<Part> parts;

  private JsonPathTemplate(List<Part> parts) {
    this.parts = parts;
  }

  /**
   * @throws IllegalArgumentException for a template that cannot be read (an open brace, a range
   *     without end, an expression not starting with a dot)
   */
  static JsonPathTemplate parse(String template) {
    List<List<Part>> stack = new ArrayList<>();
    List<List<String>> ranges = new ArrayList<>();
    List<Part> current = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        current.add(new Text(template.substring(i)));
        break;
      }
      if (open > i) {
        current.add(new Text(template.substring(i, open)));
      }
      int close = template.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed { in jsonpath template: " + template);
      }
      String inner = template.substring(open + 1, close).strip();
      if (inner.startsWith("range ")) {
        stack.add(current);
        ranges.add(steps(inner.substring(6).strip()));
        current = new ArrayList<>();
      } else if (inner.equals("end")) {
        if (stack.isEmpty()) {
          throw new IllegalArgumentException("{end} without {range} in: " + template);
        }
        List<Part> body = current;
        current = stack.remove(stack.size() - 1);
        current.add(new Range(ranges.remove(ranges.size() - 1), body));
      } else if (inner.startsWith("\"") && inner.endsWith("\"") && inner.length() >= 2) {
        current.add(new Text(unescape(inner.substring(1, inner.length() - 1))));
      } else {
        current.add(new Expr(steps(inner)));
      }
      i = close + 1;
    }
    if (!stack.isEmpty()) {
      throw new IllegalArgumentException("{range} without {end} in: " + template);
    }
    return new JsonPathTemplate(current);
  }

  /**
   * {@code .a.b[0][*]} (a leading {@code $} allowed) as steps {@code a}, {@code b}, {@code [0]},
   * {@code [*]}.
   */
  private static List<String> steps(String expression) {
    String e = expression.startsWith("$") ? expression.substring(1) : expression;
    if (!e.isEmpty() && !e.startsWith(".") && !e.startsWith("[")) {
      throw new IllegalArgumentException("a jsonpath expression starts with a dot: " + expression);
    }
    List<String> steps = new ArrayList<>();
    int i = 0;
    while (i < e.length()) {
      char c = e.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < e.length() && e.charAt(end) != '.' && e.charAt(end) != '[') {
          end++;
        }
        if (end > i + 1) {
          steps.add(e.substring(i + 1, end));
        }
        i = end;
      } else if (c == '[') {
        int end = e.indexOf(']', i);
        if (end < 0) {
          throw new IllegalArgumentException("unclosed [ in: " + expression);
        }
        steps.add(e.substring(i, end + 1));
        i = end + 1;
      } else {
        throw new IllegalArgumentException("cannot read " + expression);
      }
    }
    return steps;
  }

  private static String unescape(String s) {
    return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\\"", "\"");
  }

  String render(JsonNode root) {
    StringBuilder out = new StringBuilder();
    render(parts, root, out);
    return out.toString();
  }

  private static void render(List<Part> parts, JsonNode node, StringBuilder out) {
    for (Part part : parts) {
      if (part instanceof Text t) {
        out.append(t.text());
      } else if (part instanceof Expr x) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : select(node, x.steps())) {
          values.add(value.isValueNode() ? value.asText() : value.toString());
        }
        out.append(String.join(" ", values));
      } else if (part instanceof Range r) {
        for (JsonNode element : select(node, r.steps())) {
          render(r.body(), element, out);
        }
      }
    }
  }

  /** The nodes {@code steps} lead to from {@code node}; {@code [*]} fans out over a list. */
  private static List<JsonNode> select(JsonNode node, List<String> steps) {
    List<JsonNode> current = List.of(node);
    for (String step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode n : current) {
        if (step.equals("[*]")) {
          n.forEach(next::add);
        } else if (step.startsWith("[")) {
          JsonNode element = n.path(Integer.parseInt(step.substring(1, step.length() - 1)));
          if (!element.isMissingNode()) {
            next.add(element);
          }
        } else {
          JsonNode child = n.get(step);
          if (child != null) {
            next.add(child);
          }
        }
      }
      current = next;
    }
    return current;
  }
}
