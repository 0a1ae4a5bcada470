package io.pledge.contract.kratix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a YAML stream into one JSON tree per document, as Kubernetes reads YAML (go-yaml under
 * {@code sigs.k8s.io/yaml}): an alias stands for a copy of what its anchor names, and a merge key
 * ({@code <<: *base} or {@code <<: [*a, *b]}) adds the keys of the named mappings that the mapping
 * does not set itself (earlier mappings in a list win), as the YAML merge-key spec and go-yaml v3
 * say.
 *
 * <p>Jackson's YAML parser reports an alias as its anchor's name ({@code requester: *n} read as the
 * string {@code "n"}), so the stream is composed with SnakeYAML (the parser under Jackson) and the
 * node graph converted here. Scalars are typed as Jackson types them, so a document without aliases
 * reads exactly as it did through Jackson.
 *
 * <p>Bounds, so that a small text cannot make a huge tree ("billion laughs"): the copies aliases
 * make add at most {@link #MAX_ALIAS_NODES} nodes to one stream, nesting is at most {@link
 * #MAX_DEPTH} deep, and an alias inside the node it names is refused.
 */
public final class YamlTrees {

  /** The most nodes alias copies may add to one stream. */
  public static final int MAX_ALIAS_NODES = 100_000;

  /** The deepest nesting read, as Jackson's default {@code maxNestingDepth}. */
  public static final int MAX_DEPTH = 1_000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final boolean rejectDuplicateKeys;
  private final Set<Node> converted = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());
  private int aliasNodes;

  private YamlTrees(boolean rejectDuplicateKeys) {
    this.rejectDuplicateKeys = rejectDuplicateKeys;
  }

  /**
   * Every document of {@code text}, in order; an empty document is a {@code NullNode}.
   *
   * @param rejectDuplicateKeys refuse a mapping that sets a key twice (as the API server does in
   *     strict mode); otherwise the last one wins, as with Jackson
   * @throws MalformedYamlException when the text is not YAML that JSON can hold, or exceeds a bound
   */
  public static List<JsonNode> readAll(String text, boolean rejectDuplicateKeys) {
    LoaderOptions options = new LoaderOptions();
    options.setProcessComments(false);
    // Aliases are bounded by the copies they make (MAX_ALIAS_NODES), not by how many there are:
    // Kubernetes accepts many small aliases.
    options.setMaxAliasesForCollections(Integer.MAX_VALUE);
    options.setNestingDepthLimit(MAX_DEPTH);
    Composer composer =
        new Composer(
            new ParserImpl(new StreamReader(new StringReader(text)), options),
            new Resolver(),
            options);
    YamlTrees trees = new YamlTrees(rejectDuplicateKeys);
    List<JsonNode> documents = new ArrayList<>();
    try {
      while (composer.checkNode()) {
        Node root = composer.getNode();
        trees.converted.clear(); // anchors do not reach across documents
        documents.add(isEmpty(root) ? NODES.nullNode() : trees.convert(root, 0, false));
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw failure(String.valueOf(problem).strip(), mark);
    } catch (YAMLException e) {
      throw new MalformedYamlException(firstLine(e.getMessage()), 0, 0);
    }
    return documents;
  }

  private JsonNode convert(Node node, int depth, boolean copying) {
    if (depth > MAX_DEPTH) {
      throw failure("nested deeper than " + MAX_DEPTH + " levels", node.getStartMark());
    }
    if (!open.add(node)) {
      throw failure("an alias refers to a node that contains it", node.getStartMark());
    }
    try {
      boolean copy = copying || !converted.add(node);
      if (copy && ++aliasNodes > MAX_ALIAS_NODES) {
        throw failure(
            "aliases expand to more than " + MAX_ALIAS_NODES + " nodes", node.getStartMark());
      }
      if (node instanceof ScalarNode scalar) {
        return scalar(scalar);
      }
      if (node instanceof SequenceNode sequence) {
        ArrayNode array = NODES.arrayNode();
        for (Node item : sequence.getValue()) {
          array.add(convert(item, depth + 1, copy));
        }
        return array;
      }
      return mapping((MappingNode) node, depth, copy);
    } finally {
      open.remove(node);
    }
  }

  private ObjectNode mapping(MappingNode node, int depth, boolean copy) {
    ObjectNode object = NODES.objectNode();
    Set<String> explicit = new HashSet<>();
    List<NodeTuple> merges = new ArrayList<>();
    for (NodeTuple tuple : node.getValue()) {
      if (isMergeKey(tuple.getKeyNode())) {
        merges.add(tuple);
        continue;
      }
      String key = key(tuple.getKeyNode());
      if (!explicit.add(key) && rejectDuplicateKeys) {
        throw failure("duplicate key \"" + key + "\"", tuple.getKeyNode().getStartMark());
      }
      object.set(key, convert(tuple.getValueNode(), depth + 1, copy));
    }
    for (NodeTuple merge : merges) {
      Node value = merge.getValueNode();
      List<Node> sources = value instanceof SequenceNode list ? list.getValue() : List.of(value);
      for (Node source : sources) {
        if (!(source instanceof MappingNode)) {
          throw failure(
              "a merge key (<<) takes a mapping or a list of mappings", source.getStartMark());
        }
        // A source the stream named earlier is a copy; an inline one is not.
        JsonNode merged = convert(source, depth + 1, copy);
        merged
            .fields()
            .forEachRemaining(
                f -> {
                  if (!object.has(f.getKey())) {
                    object.set(f.getKey(), f.getValue());
                  }
                });
      }
    }
    return object;
  }

  /** An empty document, e.g. after a trailing {@code ---}. */
  private static boolean isEmpty(Node root) {
    return root instanceof ScalarNode scalar
        && Tag.NULL.equals(scalar.getTag())
        && scalar.getValue().isEmpty();
  }

  private static boolean isMergeKey(Node key) {
    return key instanceof ScalarNode && Tag.MERGE.equals(key.getTag());
  }

  /** Keys are read as written, as Jackson reads them ({@code 1: a} has the key {@code "1"}). */
  private static String key(Node key) {
    if (key instanceof ScalarNode scalar) {
      return scalar.getValue();
    }
    throw failure("a mapping key must be a scalar, not a " + key.getNodeId(), key.getStartMark());
  }

  /** Types a scalar as Jackson's YAMLParser does, so that documents read as they always did. */
  private static JsonNode scalar(ScalarNode scalar) {
    String value = scalar.getValue();
    Tag tag = scalar.getTag();
    if (Tag.NULL.equals(tag)) {
      // Jackson reads an empty value ("key:") as an empty string; ~ and null are null.
      return value.isEmpty() ? NODES.textNode("") : NODES.nullNode();
    }
    if (Tag.BOOL.equals(tag)) {
      Boolean b = bool(value);
      return b == null ? NODES.textNode(value) : NODES.booleanNode(b);
    }
    if (Tag.INT.equals(tag) && !value.isEmpty()) {
      return integer(value);
    }
    if (Tag.FLOAT.equals(tag) && !value.isEmpty()) {
      return decimal(value, scalar.getStartMark());
    }
    if (Tag.BINARY.equals(tag)) {
      try {
        return NODES.binaryNode(Base64.getMimeDecoder().decode(value.trim()));
      } catch (IllegalArgumentException e) {
        throw failure("not base64: " + e.getMessage(), scalar.getStartMark());
      }
    }
    return NODES.textNode(value); // strings, timestamps and unknown tags, as written
  }

  private static Boolean bool(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "y" -> Boolean.TRUE;
      case "false", "no", "off", "n" -> Boolean.FALSE;
      default -> null;
    };
  }

  /** YAML 1.1 integers: decimal, 0b binary, 0x hex, 0 octal, with '_' separators. */
  private static JsonNode integer(String value) {
    boolean negative = value.charAt(0) == '-';
    int i = value.charAt(0) == '-' || value.charAt(0) == '+' ? 1 : 0;
    String digits = value.substring(i).replace("_", "");
    int radix = 10;
    if (digits.length() > 1 && digits.charAt(0) == '0') {
      char c = digits.charAt(1);
      if (c == 'b' || c == 'B') {
        radix = 2;
        digits = digits.substring(2);
      } else if (c == 'x' || c == 'X') {
        radix = 16;
        digits = digits.substring(2);
      } else {
        radix = 8;
        digits = digits.substring(1);
      }
    }
    BigInteger number;
    try {
      number = new BigInteger(digits, radix);
    } catch (NumberFormatException e) {
      return NODES.textNode(value); // e.g. base 60 (1:30), which Jackson keeps as text
    }
    if (negative) {
      number = number.negate();
    }
    if (number.compareTo(INT_MIN) >= 0 && number.compareTo(INT_MAX) <= 0) {
      return NODES.numberNode(number.intValue());
    }
    if (number.compareTo(LONG_MIN) >= 0 && number.compareTo(LONG_MAX) <= 0) {
      return NODES.numberNode(number.longValue());
    }
    return NODES.numberNode(number);
  }

  private static JsonNode decimal(String value, Mark mark) {
    String cleaned = value.indexOf('_') < 0 ? value : value.replace("_", "");
    try {
      double number = Double.parseDouble(cleaned);
      if (Double.isFinite(number)) {
        return NODES.numberNode(number);
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw failure("\"" + value + "\" is not a number JSON can hold", mark);
  }

  private static MalformedYamlException failure(String reason, Mark mark) {
    return mark == null
        ? new MalformedYamlException(reason, 0, 0)
        : new MalformedYamlException(reason, mark.getLine() + 1, mark.getColumn() + 1);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
