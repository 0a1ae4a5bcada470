package io.pledge.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests under {@code deploy/kubernetes} agree with the services: images are the
 * ones each service's Jib configuration builds, ports are the services' {@code quarkus.http.port},
 * probes hit Quarkus health, Prometheus scrapes {@code /q/metrics} on that port, every environment
 * variable is a configuration key of its service, every topic has a KafkaTopic.
 *
 * <p>Reads the sources (application.properties, the {@code *Config.java} mappings, {@code
 * Topics.java}) rather than the classes, so it needs no service on the class path.
 */
class ManifestConsistencyTest {

  static final List<String> SERVICES =
      List.of("request-intake", "pipeline-runner", "state-writer", "notifier");
  static final Pattern IMAGE =
      Pattern.compile(
          "ghcr\\.io/pledge-io/(request-intake|pipeline-runner|state-writer|notifier):.+");

  /** Dead-letter topics written by code rather than named in configuration (state-writer's). */
  static final Set<String> CODE_DEAD_LETTER_TOPICS = Set.of("pledge.works.dlq");

  static final YAMLMapper YAML = new YAMLMapper();

  static Path root;
  static Path deploy;

  /** Every document of every YAML file, with the file it came from. */
  static List<Doc> docs;

  /** The documents that are Kubernetes objects (not kustomizations or generator inputs). */
  static List<Doc> objects;

  record Doc(Path file, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    boolean inBase() {
      return deploy.relativize(file).startsWith("base");
    }

    @Override
    public String toString() {
      return kind() + "/" + name() + " in " + deploy.relativize(file);
    }
  }

  @BeforeAll
  static void readManifests() throws IOException {
    root = projectRoot();
    deploy = root.resolve("deploy/kubernetes");
    docs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(deploy)) {
      for (Path file :
          files
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList()) {
        for (JsonNode node : readAll(Files.readString(file))) {
          docs.add(new Doc(file, node));
        }
      }
    }
    Set<Path> generatorInputs = generatorInputs();
    objects =
        docs.stream()
            .filter(d -> !d.file().getFileName().toString().equals("kustomization.yaml"))
            .filter(d -> !generatorInputs.contains(d.file()))
            .toList();
    assertThat(objects).as("manifests under %s", deploy).hasSizeGreaterThan(20);
  }

  @Test
  void everyDocumentNamesItsApiVersionKindAndName() {
    for (Doc doc : objects) {
      assertThat(doc.node().path("apiVersion").asText()).as("apiVersion of %s", doc).isNotBlank();
      assertThat(doc.kind()).as("kind in %s", deploy.relativize(doc.file())).isNotBlank();
      assertThat(doc.name()).as("metadata.name of %s", doc).isNotBlank();
    }
  }

  @Test
  void everyYamlFileBelongsToAKustomizationAndEveryReferenceExists() {
    Set<Path> referenced = new TreeSet<>();
    for (Doc k : kustomizations()) {
      Path dir = k.file().getParent();
      List<String> refs = new ArrayList<>();
      k.node().path("resources").forEach(r -> refs.add(r.asText()));
      k.node().path("patches").forEach(p -> refs.add(p.path("path").asText("")));
      k.node().path("patchesStrategicMerge").forEach(p -> refs.add(p.asText()));
      for (String ref : refs) {
        if (ref.isEmpty()) {
          continue; // an inline patch
        }
        Path target = dir.resolve(ref).normalize();
        assertThat(target).as("%s in %s", ref, deploy.relativize(k.file())).exists();
        referenced.add(target);
      }
    }
    referenced.addAll(generatorInputs());
    for (Doc doc : docs) {
      if (doc.file().getFileName().toString().equals("kustomization.yaml")) {
        continue;
      }
      assertThat(referenced)
          .as("%s is used by no kustomization.yaml", deploy.relativize(doc.file()))
          .contains(doc.file());
    }
  }

  @Test
  void patchesAndOverlayImagesTargetWhatTheBaseDefines() {
    Set<String> baseObjects =
        objects.stream()
            .filter(Doc::inBase)
            .map(d -> d.kind() + "/" + d.name())
            .collect(Collectors.toSet());
    for (Doc doc : objects) {
      if (!doc.inBase() && !doc.kind().equals("PodDisruptionBudget")) {
        assertThat(baseObjects)
            .as("%s patches nothing in base/", doc)
            .contains(doc.kind() + "/" + doc.name());
      }
    }
    for (Doc k : kustomizations()) {
      for (JsonNode image : k.node().path("images")) {
        assertThat(image.path("name").asText() + ":x")
            .as("image in %s", deploy.relativize(k.file()))
            .matches(IMAGE);
      }
      for (JsonNode replicas : k.node().path("replicas")) {
        assertThat(SERVICES).contains(replicas.path("name").asText());
      }
    }
  }

  @Test
  void deploymentsRunTheFourServicesOnTheirHttpPorts() {
    Set<String> deployed = new TreeSet<>();
    for (Doc deployment : baseDeployments()) {
      JsonNode container = onlyContainer(deployment);
      Matcher image = IMAGE.matcher(container.path("image").asText());
      assertThat(image.matches())
          .as("image %s of %s names a Pledge service", container.path("image").asText(), deployment)
          .isTrue();
      String service = image.group(1);
      deployed.add(service);
      assertThat(deployment.name()).isEqualTo(service);
      List<Integer> ports = new ArrayList<>();
      container.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt()));
      assertThat(ports).as("container ports of %s", deployment).containsExactly(httpPort(service));
    }
    assertThat(deployed).containsExactlyInAnyOrderElementsOf(SERVICES);
  }

  @Test
  void imagesAreTheOnesEachServiceBuilds() throws IOException {
    String version = projectVersion();
    Set<String> repositories = new TreeSet<>();
    for (Doc deployment : baseDeployments()) {
      ServiceImage built = ServiceImage.of(root, deployment.name(), version);
      assertThat(onlyContainer(deployment).path("image").asText())
          .as("image of %s", deployment)
          .isEqualTo(built.reference());
      repositories.add(built.repository());
    }
    for (Doc k : kustomizations()) {
      for (JsonNode image : k.node().path("images")) {
        assertThat(repositories)
            .as("image in %s", deployment(k))
            .contains(image.path("name").asText());
        if (k.file().startsWith(deploy.resolve("overlays/dev"))) {
          assertThat(image.path("newTag").asText())
              .as("the dev overlay runs what `package -Dquarkus.container-image.build=true` built")
              .isEqualTo(version);
        }
      }
    }
  }

  @Test
  void imagesAreBuiltByJibOnlyWhenAskedFor() throws IOException {
    for (String service : SERVICES) {
      assertThat(Files.readString(root.resolve(service).resolve("pom.xml")))
          .as("pom of %s", service)
          .contains("<artifactId>quarkus-container-image-jib</artifactId>");
      assertThat(
              ServiceConfig.properties(root, service).getProperty("quarkus.container-image.build"))
          .as("quarkus.container-image.build of %s", service)
          .isEqualTo("false");
    }
  }

  @Test
  void rejectsAnImageNoServiceBuilds() throws IOException {
    ServiceImage notifier = ServiceImage.of(root, "notifier", "1.2.3");
    assertThat(notifier.reference()).isEqualTo("ghcr.io/pledge-io/notifier:1.2.3");
    assertThat(notifier.reference()).isNotEqualTo("ghcr.io/pledge-io/notifier:0.1.0-SNAPSHOT");
    assertThat(ServiceImage.of(root, "state-writer", "1.2.3").repository())
        .isNotEqualTo(notifier.repository());
  }

  @Test
  void prometheusScrapesTheMetricsOnTheHttpPort() {
    for (Doc deployment : baseDeployments()) {
      JsonNode annotations =
          deployment.node().path("spec").path("template").path("metadata").path("annotations");
      assertThat(annotations.path("prometheus.io/scrape").asText())
          .as("%s", deployment)
          .isEqualTo("true");
      assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/q/metrics");
      assertThat(annotations.path("prometheus.io/port").asText())
          .isEqualTo(Integer.toString(httpPort(deployment.name())));
    }
  }

  @Test
  void servicesTargetTheContainerPorts() {
    for (Doc deployment : baseDeployments()) {
      JsonNode podLabels =
          deployment.node().path("spec").path("template").path("metadata").path("labels");
      List<Doc> services =
          objects.stream()
              .filter(d -> d.kind().equals("Service") && d.inBase())
              .filter(d -> selects(d.node().path("spec").path("selector"), podLabels))
              .toList();
      assertThat(services).as("Services selecting %s", deployment).hasSize(1);
      JsonNode container = onlyContainer(deployment);
      for (JsonNode port : services.get(0).node().path("spec").path("ports")) {
        assertThat(resolvePort(container, port.path("targetPort")))
            .as("targetPort of %s", services.get(0))
            .isEqualTo(httpPort(deployment.name()));
      }
    }
  }

  @Test
  void probesHitQuarkusHealthOnTheHttpPort() {
    for (Doc deployment : baseDeployments()) {
      JsonNode container = onlyContainer(deployment);
      for (String probe : List.of("livenessProbe", "readinessProbe")) {
        assertThat(container.has(probe)).as("%s of %s", probe, deployment).isTrue();
      }
      assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
          .isEqualTo("/q/health/live");
      assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
          .isEqualTo("/q/health/ready");
      for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        JsonNode get = container.path(probe).path("httpGet");
        if (container.has(probe)) {
          assertThat(get.path("path").asText())
              .as("%s of %s", probe, deployment)
              .startsWith("/q/health/");
          assertThat(resolvePort(container, get.path("port")))
              .isEqualTo(httpPort(deployment.name()));
        }
      }
      JsonNode resources = container.path("resources");
      assertThat(resources.path("requests").path("memory").asText())
          .as("memory request of %s", deployment)
          .isNotBlank();
      assertThat(resources.path("limits").path("memory").asText())
          .as("memory limit of %s", deployment)
          .isNotBlank();
    }
  }

  @Test
  void environmentNamesAreConfigurationKeysOfTheirService() throws IOException {
    Map<String, String> configMapOwner = new LinkedHashMap<>();
    for (Doc deployment : baseDeployments()) {
      JsonNode container = onlyContainer(deployment);
      for (JsonNode from : container.path("envFrom")) {
        configMapOwner.put(from.path("configMapRef").path("name").asText(), deployment.name());
      }
    }
    int checked = 0;
    for (Doc doc : objects) {
      List<String> names = new ArrayList<>();
      String service;
      if (doc.kind().equals("ConfigMap")) {
        service = configMapOwner.get(doc.name());
        assertThat(service).as("%s is loaded by a Deployment", doc).isNotNull();
        doc.node().path("data").fieldNames().forEachRemaining(names::add);
      } else if (doc.kind().equals("Deployment")) {
        service = doc.name();
        for (JsonNode c :
            doc.node().path("spec").path("template").path("spec").path("containers")) {
          c.path("env").forEach(e -> names.add(e.path("name").asText()));
        }
      } else {
        continue;
      }
      ServiceConfig config = ServiceConfig.of(root, service);
      for (String env : names) {
        assertThat(config.accepts(env))
            .as(
                "%s in %s is no configuration key of %s (known: %s)",
                env, doc, service, config.keys())
            .isTrue();
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(10);
    assertThat(configMapOwner.values()).containsExactlyInAnyOrderElementsOf(SERVICES);
  }

  @Test
  void rejectsAnEnvironmentNameThatIsNoConfigurationKey() throws IOException {
    ServiceConfig intake = ServiceConfig.of(root, "request-intake");
    assertThat(intake.accepts("PLEDGE_INTAKE_MAX_DOCUMENTS")).isTrue();
    assertThat(intake.accepts("PLEDGE_INTAKE_KUBERNETES_ENABLED")).isTrue();
    assertThat(intake.accepts("KAFKA_BOOTSTRAP_SERVERS")).isTrue();
    assertThat(intake.accepts("PLEDGE_INTAKE_MAX_DOCUMENT")).isFalse();
    assertThat(intake.accepts("PLEDGE_RUNNER_EXECUTOR")).isFalse();
    assertThat(ServiceConfig.of(root, "notifier").accepts("PLEDGE_WRITER_WORK_DIR")).isFalse();
    assertThat(
            ServiceConfig.of(root, "pipeline-runner").accepts("PLEDGE_RUNNER_KUBERNETES_JOB_TTL"))
        .isTrue();
  }

  @Test
  void everyTopicHasAKafkaTopicAndTablesAreCompacted() throws IOException {
    Map<String, JsonNode> kafkaTopics = kafkaTopics();
    Map<String, Boolean> contractTopics = contractTopics();
    assertThat(contractTopics)
        .containsEntry("pledge.promises", true)
        .containsEntry("pledge.requests", false);
    for (var topic : contractTopics.entrySet()) {
      assertThat(kafkaTopics).as("KafkaTopics").containsKey(topic.getKey());
      String policy =
          kafkaTopics.get(topic.getKey()).path("config").path("cleanup.policy").asText("delete");
      assertThat(policy)
          .as("cleanup.policy of %s", topic.getKey())
          .isEqualTo(topic.getValue() ? "compact" : "delete");
    }
    assertThat(kafkaTopics.get("pledge.status").path("config").path("retention.ms").asText())
        .as("pledge.status is folded from its start: kept forever")
        .isEqualTo("-1");
    assertThat(kafkaTopics.get("pledge.resources").path("config").path("cleanup.policy").asText())
        .as("pledge.resources holds one folded record per resource")
        .isEqualTo("compact");
    assertThat(
            Stream.of("pledge.requests", "pledge.status", "pledge.resources")
                .map(t -> kafkaTopics.get(t).path("partitions").asInt())
                .distinct())
        .as("the resource owner folds pledge.requests and pledge.status co-partitioned")
        .hasSize(1);
    Set<String> deadLetters = deadLetterTopics();
    assertThat(deadLetters)
        .contains(
            "pledge.requests.dlq",
            "pledge.promises.dlq",
            "pledge.notifications.dlq",
            "pledge.requests.inbound.dlq");
    assertThat(kafkaTopics.keySet()).containsAll(deadLetters);
    Set<String> declared = new TreeSet<>(contractTopics.keySet());
    declared.addAll(deadLetters);
    assertThat(declared).as("KafkaTopics of no Pledge topic").containsAll(kafkaTopics.keySet());
  }

  @Test
  void replicasDoNotExceedPartitionsOrBrokers() {
    Map<String, JsonNode> topics = kafkaTopics();
    int partitions =
        Stream.of("pledge.requests", "pledge.works", "pledge.status")
            .mapToInt(t -> topics.get(t).path("partitions").asInt())
            .min()
            .orElseThrow();
    for (Doc deployment : baseDeployments()) {
      assertThat(deployment.node().path("spec").path("replicas").asInt(1))
          .isLessThanOrEqualTo(partitions);
    }
    for (Doc k : kustomizations()) {
      k.node()
          .path("replicas")
          .forEach(r -> assertThat(r.path("count").asInt()).isLessThanOrEqualTo(partitions));
    }
    int brokers =
        objects.stream()
            .filter(d -> d.inBase() && d.kind().equals("KafkaNodePool"))
            .mapToInt(d -> d.node().path("spec").path("replicas").asInt())
            .sum();
    topics.forEach(
        (name, spec) ->
            assertThat(spec.path("replicas").asInt())
                .as("replicas of %s", name)
                .isBetween(1, brokers));
  }

  // ---- reading the manifests ----

  static List<JsonNode> readAll(String yaml) {
    List<JsonNode> nodes = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        YAML.readerFor(JsonNode.class).readValues(new StringReader(yaml))) {
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          nodes.add(node);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return nodes;
  }

  static List<Doc> kustomizations() {
    return docs.stream()
        .filter(d -> d.file().getFileName().toString().equals("kustomization.yaml"))
        .toList();
  }

  /** Files that secretGenerator / configMapGenerator read: data, not Kubernetes objects. */
  static Set<Path> generatorInputs() {
    Set<Path> inputs = new TreeSet<>();
    for (Doc k : kustomizations()) {
      for (String generator : List.of("secretGenerator", "configMapGenerator")) {
        for (JsonNode g : k.node().path(generator)) {
          for (JsonNode f : g.path("files")) {
            String source = f.asText();
            inputs.add(
                k.file()
                    .getParent()
                    .resolve(source.substring(source.indexOf('=') + 1))
                    .normalize());
          }
        }
      }
    }
    return inputs;
  }

  static List<Doc> baseDeployments() {
    return objects.stream().filter(d -> d.inBase() && d.kind().equals("Deployment")).toList();
  }

  static JsonNode onlyContainer(Doc deployment) {
    JsonNode containers =
        deployment.node().path("spec").path("template").path("spec").path("containers");
    assertThat(containers.size()).as("containers of %s", deployment).isEqualTo(1);
    return containers.get(0);
  }

  static boolean selects(JsonNode selector, JsonNode labels) {
    if (selector.isEmpty()) {
      return false;
    }
    var fields = selector.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  /** A port given by number or by the name of one of the container's ports. */
  static int resolvePort(JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(port.asText())) {
        return p.path("containerPort").asInt();
      }
    }
    return -1;
  }

  static Map<String, JsonNode> kafkaTopics() {
    Map<String, JsonNode> topics = new LinkedHashMap<>();
    for (Doc doc : objects) {
      if (doc.inBase() && doc.kind().equals("KafkaTopic")) {
        JsonNode spec = doc.node().path("spec");
        String name = spec.path("topicName").asText(doc.name());
        assertThat(topics.put(name, spec)).as("second KafkaTopic for %s", name).isNull();
      }
    }
    return topics;
  }

  // ---- reading the services' sources ----

  private static Path deployment(Doc kustomization) {
    return deploy.relativize(kustomization.file());
  }

  /** The project's version: the tag Jib gives an image unless told otherwise. */
  static String projectVersion() throws IOException {
    Matcher m =
        Pattern.compile("<artifactId>pledge-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(root.resolve("pom.xml")));
    assertThat(m.find()).as("the version of pledge-parent in pom.xml").isTrue();
    return m.group(1).trim();
  }

  /**
   * The image Quarkus Jib builds for a service: {@code <registry>/<group>/<name>:<tag>} from its
   * {@code quarkus.container-image.*} keys, the name defaulting to {@code quarkus.application.name}
   * and the tag to the project version.
   */
  record ServiceImage(String registry, String group, String name, String tag) {

    static ServiceImage of(Path root, String service, String version) {
      Properties p = ServiceConfig.properties(root, service);
      String registry = p.getProperty("quarkus.container-image.registry");
      String group = p.getProperty("quarkus.container-image.group");
      assertThat(registry).as("quarkus.container-image.registry of %s", service).isNotBlank();
      assertThat(group).as("quarkus.container-image.group of %s", service).isNotBlank();
      String name =
          p.getProperty("quarkus.container-image.name", p.getProperty("quarkus.application.name"));
      String tag = p.getProperty("quarkus.container-image.tag", version);
      return new ServiceImage(
          ServiceConfig.resolveDefaults(registry.trim()),
          ServiceConfig.resolveDefaults(group.trim()),
          ServiceConfig.resolveDefaults(name.trim()),
          ServiceConfig.resolveDefaults(tag.trim()));
    }

    String repository() {
      return registry + "/" + group + "/" + name;
    }

    String reference() {
      return repository() + ":" + tag;
    }
  }

  static int httpPort(String service) {
    String port = ServiceConfig.properties(root, service).getProperty("quarkus.http.port");
    assertThat(port).as("quarkus.http.port of %s", service).isNotNull();
    return Integer.parseInt(port.trim());
  }

  /** Topic name → whether its Javadoc in Topics.java calls it compacted. */
  static Map<String, Boolean> contractTopics() throws IOException {
    String source =
        Files.readString(root.resolve("contract/src/main/java/io/pledge/contract/Topics.java"));
    Matcher m =
        Pattern.compile(
                "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*public static final String \\w+\\s*=\\s*\"([^\"]+)\"",
                Pattern.DOTALL)
            .matcher(source);
    Map<String, Boolean> topics = new LinkedHashMap<>();
    while (m.find()) {
      topics.put(m.group(2), m.group(1).toLowerCase().contains("compacted"));
    }
    assertThat(topics).as("constants of Topics.java").hasSizeGreaterThanOrEqualTo(8);
    return topics;
  }

  /** Dead-letter topics named in the services' configuration and sources, and those of code. */
  static Set<String> deadLetterTopics() throws IOException {
    Set<String> topics = new TreeSet<>(CODE_DEAD_LETTER_TOPICS);
    Pattern dlq = Pattern.compile("pledge\\.[a-z.]+\\.dlq");
    for (String service : SERVICES) {
      Path main = root.resolve(service).resolve("src/main");
      for (Object value : ServiceConfig.properties(root, service).values()) {
        Matcher m = dlq.matcher(ServiceConfig.resolveDefaults(value.toString()));
        while (m.find()) {
          topics.add(m.group());
        }
      }
      try (Stream<Path> files = Files.walk(main.resolve("java"))) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m =
              Pattern.compile("\"(pledge\\.[a-z.]+\\.dlq)\"").matcher(Files.readString(file));
          while (m.find()) {
            topics.add(m.group(1));
          }
        }
      }
    }
    return topics;
  }

  static Path projectRoot() {
    String property = System.getProperty("pledge.root");
    Path dir = property != null ? Paths.get(property) : Paths.get("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("deploy/kubernetes"))) {
      dir = dir.getParent();
    }
    assertThat(dir)
        .as("a directory above the working directory holding deploy/kubernetes")
        .isNotNull();
    return dir;
  }

  /**
   * What a service can be configured with: the keys of its application.properties, the keys of its
   * {@code @ConfigMapping} interface, and the variables its defaults refer to ({@code
   * ${PLEDGE_HOME:...}}). An environment variable names a key when MicroProfile Config's rule maps
   * the key to it: every character other than a letter or digit becomes {@code _}, then upper case.
   */
  record ServiceConfig(Set<String> keys, Set<String> variables) {

    static ServiceConfig of(Path root, String service) throws IOException {
      Set<String> keys = new TreeSet<>();
      Set<String> variables = new TreeSet<>();
      Path main = root.resolve(service).resolve("src/main");
      for (String key : properties(root, service).stringPropertyNames()) {
        keys.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
      }
      Pattern variable = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
      Matcher v =
          variable.matcher(Files.readString(main.resolve("resources/application.properties")));
      while (v.find()) {
        variables.add(v.group(1));
      }
      List<Path> mappings;
      try (Stream<Path> files = Files.walk(main.resolve("java"))) {
        mappings = files.filter(p -> p.getFileName().toString().endsWith("Config.java")).toList();
      }
      for (Path file : mappings) {
        String source = Files.readString(file);
        Matcher prefix =
            Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"").matcher(source);
        if (prefix.find()) {
          Matcher d = variable.matcher(source);
          while (d.find()) {
            variables.add(d.group(1));
          }
          keys.addAll(ConfigMappingKeys.of(source, prefix.group(1)));
        }
      }
      assertThat(keys).as("configuration keys of %s", service).isNotEmpty();
      return new ServiceConfig(keys, variables);
    }

    static Properties properties(Path root, String service) {
      Properties properties = new Properties();
      try (var reader =
          Files.newBufferedReader(
              root.resolve(service).resolve("src/main/resources/application.properties"))) {
        properties.load(reader);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return properties;
    }

    /** {@code ${a:b}} → {@code b}, as a property expression evaluates with {@code a} unset. */
    static String resolveDefaults(String value) {
      return value.replaceAll("\\$\\{[^:}]+:([^}]*)}", "$1");
    }

    static String envName(String key) {
      return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    boolean accepts(String env) {
      return variables.contains(env) || keys.stream().anyMatch(k -> envName(k).equals(env));
    }
  }

  /**
   * The keys of a {@code @ConfigMapping} interface, read from its source: one key per method, in
   * kebab case under the prefix; a method returning an interface declared in the same file is a
   * group, whose methods go one level deeper.
   */
  static final class ConfigMappingKeys {

    static Set<String> of(String source, String prefix) {
      String code = stripCommentsAndStrings(source);
      Map<String, String> bodies = interfaceBodies(code);
      String top = bodies.keySet().iterator().next();
      Set<String> keys = new LinkedHashSet<>();
      collect(bodies, top, prefix, keys, 0);
      return keys;
    }

    private static void collect(
        Map<String, String> bodies, String iface, String prefix, Set<String> keys, int depth) {
      assertThat(depth).as("nesting of config groups").isLessThan(10);
      Matcher method =
          Pattern.compile("([A-Za-z_][\\w.]*(?:<[^;(){}]*>)?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;")
              .matcher(bodies.get(iface));
      while (method.find()) {
        String type = method.group(1);
        String key = prefix + "." + kebab(method.group(2));
        if (bodies.containsKey(type)) {
          collect(bodies, type, key, keys, depth + 1);
        } else {
          keys.add(key);
        }
      }
    }

    /** Each interface's own body, without the bodies of types nested in it. */
    private static Map<String, String> interfaceBodies(String code) {
      Map<String, String> bodies = new LinkedHashMap<>();
      Matcher decl =
          Pattern.compile("\\b(interface|enum|class|record)\\s+(\\w+)[^{]*\\{").matcher(code);
      while (decl.find()) {
        int start = decl.end();
        StringBuilder own = new StringBuilder();
        int depth = 0;
        for (int i = start; i < code.length(); i++) {
          char c = code.charAt(i);
          if (c == '{') {
            if (depth == 0) {
              // The header of a nested type (or a default method) ends the outer body's text here.
              own.setLength(Math.max(0, own.lastIndexOf(";") + 1));
            }
            depth++;
          } else if (c == '}') {
            if (depth == 0) {
              break;
            }
            depth--;
          } else if (depth == 0) {
            own.append(c);
          }
        }
        if (decl.group(1).equals("interface")) {
          bodies.put(decl.group(2), own.toString());
        }
      }
      return bodies;
    }

    // Comments and string contents go, in one pass: a string may hold a comment opener (a glob in a
    // @WithDefault) and a comment may hold quotes.
    private static String stripCommentsAndStrings(String source) {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < source.length()) {
        char c = source.charAt(i);
        if (source.startsWith("/*", i)) {
          int end = source.indexOf("*/", i + 2);
          i = end < 0 ? source.length() : end + 2;
          out.append(' ');
        } else if (source.startsWith("//", i)) {
          int end = source.indexOf('\n', i);
          i = end < 0 ? source.length() : end;
        } else if (c == '"' || c == '\'') {
          int j = i + 1;
          while (j < source.length() && source.charAt(j) != c) {
            j += source.charAt(j) == '\\' ? 2 : 1;
          }
          out.append(c).append(c);
          i = j + 1;
        } else {
          out.append(c);
          i++;
        }
      }
      return out.toString().replaceAll("@\\w+(?:\\([^)]*\\))?", " ");
    }

    private static String kebab(String name) {
      return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
  }
}
