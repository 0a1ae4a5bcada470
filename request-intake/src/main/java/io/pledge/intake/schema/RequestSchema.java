package io.pledge.intake.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.pledge.contract.kratix.SchemaDefaults;
import io.pledge.contract.request.Problem.FieldError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The schema of one Promise API version's {@code spec}, compiled once: it defaults, prunes (when
 * asked) and validates a request's spec and reports every failing field.
 */
public final class RequestSchema {

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).failFast(false).build();

  /** The schema of a request whose Promise declares no {@code spec} schema: anything goes. */
  public static final RequestSchema ANYTHING = new RequestSchema(null, null, false);

  private final JsonNode openApiSpec;
  private final JsonSchema compiled;
  private final boolean rejectUnknown;

  private RequestSchema(JsonNode openApiSpec, JsonSchema compiled, boolean rejectUnknown) {
    this.openApiSpec = openApiSpec;
    this.compiled = compiled;
    this.rejectUnknown = rejectUnknown;
  }

  /**
   * Compiles the {@code properties.spec} of a CRD version's {@code openAPIV3Schema}.
   *
   * @param rejectUnknown report undeclared fields as errors; otherwise prune them
   * @throws IllegalArgumentException when the schema cannot be used
   */
  public static RequestSchema compile(JsonNode openAPIV3Schema, boolean rejectUnknown) {
    if (openAPIV3Schema == null || openAPIV3Schema.isNull() || openAPIV3Schema.isMissingNode()) {
      return ANYTHING;
    }
    JsonNode spec = openAPIV3Schema.path("properties").path("spec");
    if (!spec.isObject()) {
      return ANYTHING;
    }
    ObjectNode converted = OpenApiSchemaConverter.convert(spec, rejectUnknown);
    try {
      return new RequestSchema(spec, FACTORY.getSchema(converted, CONFIG), rejectUnknown);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unusable schema: " + e.getMessage(), e);
    }
  }

  /**
   * Checks a request's {@code spec} (absent counts as empty).
   *
   * @param pointerPrefix prefixed to every reported path, e.g. {@code /spec}
   * @return the spec with defaults applied (a copy) and every validation error, sorted by path
   */
  public Checked check(JsonNode spec, String pointerPrefix) {
    JsonNode copy =
        spec == null || spec.isNull() || spec.isMissingNode()
            ? JsonNodeFactory.instance.objectNode()
            : spec.deepCopy();
    if (compiled == null) {
      return new Checked(copy, List.of());
    }
    if (!rejectUnknown) {
      SchemaDefaults.prune(openApiSpec, copy);
    }
    SchemaDefaults.apply(openApiSpec, copy);
    Set<ValidationMessage> messages = compiled.validate(copy);
    Set<FieldError> errors = new LinkedHashSet<>();
    for (ValidationMessage m : messages) {
      errors.add(toFieldError(m, pointerPrefix));
    }
    List<FieldError> sorted = new ArrayList<>(errors);
    sorted.sort(Comparator.comparing(FieldError::path).thenComparing(FieldError::message));
    return new Checked(copy, sorted);
  }

  private static FieldError toFieldError(ValidationMessage m, String prefix) {
    String location = m.getInstanceLocation() == null ? "" : m.getInstanceLocation().toString();
    String path = location;
    String type = m.getType();
    if (("required".equals(type) || "additionalProperties".equals(type))
        && m.getProperty() != null) {
      path = location + "/" + SchemaDefaults.escape(m.getProperty());
    }
    String message = m.getMessage();
    // The validator prefixes its messages with the instance location; the path carries it.
    if (message.startsWith(location + ": ")) {
      message = message.substring(location.length() + 2);
    }
    if ("additionalProperties".equals(type)) {
      message = "unknown field (not declared in the Promise's schema)";
    }
    return new FieldError(prefix + path, message);
  }

  /**
   * @param spec the spec with defaults applied
   * @param errors every failing field; empty when the spec is valid
   */
  public record Checked(JsonNode spec, List<FieldError> errors) {
    public boolean valid() {
      return errors.isEmpty();
    }
  }
}
