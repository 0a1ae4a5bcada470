package io.pledge.notifier.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a receivers template ({@code to: "{resource.spec.requester}@example.com,
 * dba@example.com"}) into its entries before anything is rendered, so that the list's shape is the
 * policy author's: each entry renders to one receiver, and a comma in a rendered value is part of
 * that one value (and fails it), never a new entry.
 *
 * <p>Commas inside a Qute expression or section tag ({@code {x ?: 'a,b'}}, {@code {#if a, b}}) do
 * not split.
 */
final class TemplateEntries {

  private TemplateEntries() {}

  /** The entries, stripped; empty ones (a trailing comma) are left out. */
  static List<String> split(String template) {
    List<String> entries = new ArrayList<>();
    StringBuilder entry = new StringBuilder();
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '\\' && depth == 0 && i + 1 < template.length()) {
        // Qute's escaped braces are text.
        entry.append(c).append(template.charAt(++i));
        continue;
      }
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (depth > 0 && (c == '\'' || c == '"')) {
        quote = c;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && depth > 0) {
        depth--;
      } else if (c == ',' && depth == 0) {
        add(entries, entry);
        continue;
      }
      entry.append(c);
    }
    add(entries, entry);
    return entries;
  }

  private static void add(List<String> entries, StringBuilder entry) {
    String text = entry.toString().strip();
    if (!text.isEmpty()) {
      entries.add(text);
    }
    entry.setLength(0);
  }
}
