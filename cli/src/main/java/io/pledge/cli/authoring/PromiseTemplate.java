package io.pledge.cli.authoring;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The files {@code pledge init promise} writes, as Kratix's {@code kratix init promise} does: a
 * Promise whose API has an empty {@code spec} and whose workflows are empty, an example request and
 * a README; split, the API in {@code api.yaml} and an empty {@code dependencies.yaml} instead of
 * {@code promise.yaml}.
 *
 * @param name the Promise's name
 * @param group the API group, e.g. {@code example.com}
 * @param kind the request kind, e.g. {@code Database}
 * @param version the API version, e.g. {@code v1alpha1}
 * @param plural the kind's plural, e.g. {@code databases}
 */
public record PromiseTemplate(
    String name, String group, String kind, String version, String plural) {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern KIND = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
  private static final Pattern VERSION = Pattern.compile("v[0-9]+((alpha|beta)[0-9]+)?");

  /** Kratix's defaults: version {@code v1alpha1}, plural the lower-case kind plus "s". */
  public static PromiseTemplate of(
      String name, String group, String kind, String version, String plural) {
    String v = version == null || version.isBlank() ? "v1alpha1" : version;
    String p = plural == null || plural.isBlank() ? kind.toLowerCase(Locale.ROOT) + "s" : plural;
    PromiseTemplate template = new PromiseTemplate(name, group, kind, v, p);
    template.validate();
    return template;
  }

  /** What Kubernetes would refuse when the Promise's CRD is installed, refused here first. */
  private void validate() {
    require(
        DNS_LABEL.matcher(name).matches(), "invalid Promise name \"" + name + "\": a DNS label");
    require(
        DNS_SUBDOMAIN.matcher(group).matches() && group.contains("."),
        "invalid --group \"" + group + "\": a DNS subdomain with a dot, e.g. example.com");
    require(KIND.matcher(kind).matches(), "invalid --kind \"" + kind + "\": e.g. Database");
    require(VERSION.matcher(version).matches(), "invalid --version \"" + version + "\": e.g. v1");
    require(DNS_LABEL.matcher(plural).matches(), "invalid --plural \"" + plural + "\"");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Relative path to content, in the order they are written. */
  public Map<String, String> files(boolean split) {
    Map<String, String> files = new LinkedHashMap<>();
    if (split) {
      files.put(PromiseProject.API, PromiseProject.yaml(crd()));
      files.put(PromiseProject.DEPENDENCIES, "");
    } else {
      files.put(PromiseProject.PROMISE, PromiseProject.yaml(promise()));
    }
    files.put(PromiseProject.EXAMPLE, PromiseProject.yaml(example()));
    files.put("README.md", readme(split));
    return files;
  }

  ObjectNode promise() {
    ObjectNode promise = NODES.objectNode();
    promise.put("apiVersion", "platform.kratix.io/v1alpha1");
    promise.put("kind", "Promise");
    ObjectNode metadata = promise.putObject("metadata");
    metadata.put("name", name);
    metadata.putObject("labels").put("kratix.io/promise-version", "v0.0.1");
    ObjectNode spec = promise.putObject("spec");
    spec.set("api", crd());
    ObjectNode workflows = spec.putObject("workflows");
    workflows.putObject("promise").putArray("configure");
    workflows.putObject("resource").putArray("configure");
    return promise;
  }

  ObjectNode crd() {
    ObjectNode crd = NODES.objectNode();
    crd.put("apiVersion", "apiextensions.k8s.io/v1");
    crd.put("kind", "CustomResourceDefinition");
    crd.putObject("metadata").put("name", plural + "." + group);
    ObjectNode spec = crd.putObject("spec");
    spec.put("group", group);
    ObjectNode names = spec.putObject("names");
    names.put("kind", kind);
    names.put("plural", plural);
    names.put("singular", kind.toLowerCase(Locale.ROOT));
    spec.put("scope", "Namespaced");
    ObjectNode v = spec.putArray("versions").addObject();
    v.put("name", version);
    v.put("served", true);
    v.put("storage", true);
    ObjectNode schema = v.putObject("schema").putObject("openAPIV3Schema");
    schema.put("type", "object");
    ObjectNode requestSpec = schema.putObject("properties").putObject("spec");
    requestSpec.put("type", "object");
    requestSpec.putObject("properties");
    return crd;
  }

  ObjectNode example() {
    ObjectNode example = NODES.objectNode();
    example.put("apiVersion", group + "/" + version);
    example.put("kind", kind);
    example.putObject("metadata").put("name", "example-" + name);
    example.putObject("spec");
    return example;
  }

  private String readme(boolean split) {
    String files =
        split
            ? "`api.yaml` (the API), `dependencies.yaml` and `workflows/*/*/workflow.yaml`,"
                + " assembled by `pledge build promise`"
            : "`promise.yaml`";
    return """
        # %1$s

        A Promise made with `pledge init promise %1$s --group %2$s --kind %3$s%4$s`. It lives in
        %5$s; `example-resource.yaml` is a request for it.

        - Add fields to the API: `pledge update api -p size:string -p replicas:integer`
          (`-p name-` removes one; `-p service.port:integer` nests).
        - Add a pipeline stage: `pledge add container resource/configure/instance --image REF`
          writes `workflows/resource/configure/instance/<container>/` (a Dockerfile and
          `scripts/pipeline.sh`) and adds the container to the workflow.
        - Build and push its image: `pledge build container resource/configure/instance`.
        - Choose Destinations: `pledge update destination-selector environment=dev`.
        - Apply it: `pledge build promise %1$s | pledge apply -f -`, then
          `pledge apply -f example-resource.yaml`.
        """
        .formatted(name, group, kind, split ? " --split" : "", files);
  }
}
