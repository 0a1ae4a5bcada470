package io.pledge.testkit.layering;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The layering rules of STYLE.md, the same for every service: no package depends on itself through
 * others, the domain packages (planning, folding, scheduling, layout, policy) reach no adapter
 * technology, and no service uses another's classes. Each service's {@code LayeringTest} names its
 * root and its domain packages; the rules read the compiled main classes (ArchUnit), so a fully
 * qualified name counts as much as an import.
 */
public final class LayeringRules {

  /**
   * What domain code must not touch: the broker, Git, Kubernetes, HTTP resources, the framework and
   * Pledge's own Kafka runtime. The adapters that use them sit beside the domain, not inside it.
   */
  public static final List<String> ADAPTER_TECHNOLOGY =
      List.of(
          "org.apache.kafka..",
          "io.smallrye.reactive.messaging..",
          "org.eclipse.jgit..",
          "io.fabric8..",
          "jakarta.ws.rs..",
          "org.jboss.resteasy..",
          "io.quarkus..",
          "io.vertx..",
          "io.pledge.kafka..");

  /** Every service's root package: none may use another's classes. */
  public static final List<String> SERVICES =
      List.of("io.pledge.intake", "io.pledge.runner", "io.pledge.writer", "io.pledge.notifier");

  private LayeringRules() {}

  /**
   * The classes compiled beside {@code anchor}: its module's {@code target/classes}, not its tests
   * and not the other modules', whichever way the build put them on the class path.
   */
  public static JavaClasses mainClasses(Class<?> anchor) {
    try {
      Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isDirectory(root)) {
        throw new IllegalArgumentException(anchor + " is not in a classes directory: " + root);
      }
      return new ClassFileImporter().importPath(root);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * No cycle between the packages under {@code root}, the root package itself among them: each
   * package is a slice of its own, so {@code a -> b -> a} and {@code a -> root -> a} both fail.
   */
  public static ArchRule noPackageCycles(String root) {
    SliceAssignment byPackage =
        new SliceAssignment() {
          @Override
          public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            if (name.equals(root) || name.startsWith(root + ".")) {
              return SliceIdentifier.of(name);
            }
            return SliceIdentifier.ignore();
          }

          @Override
          public String getDescription() {
            return "packages under " + root;
          }
        };
    return SlicesRuleDefinition.slices().assignedFrom(byPackage).should().beFreeOfCycles();
  }

  /**
   * The domain packages (and below) reach none of {@link #ADAPTER_TECHNOLOGY}, except the packages
   * {@code allowed} (each with its reason in the caller).
   */
  public static ArchRule domainUsesNoAdapterTechnology(
      List<String> domainPackages, String... allowed) {
    DescribedPredicate<JavaClass> adapters =
        JavaClass.Predicates.resideInAnyPackage(ADAPTER_TECHNOLOGY.toArray(String[]::new))
            .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage(allowed)));
    return noClasses()
        .that()
        .resideInAnyPackage(domainPackages.stream().map(p -> p + "..").toArray(String[]::new))
        .should()
        .dependOnClassesThat(adapters)
        .because("domain code decides; adapters beside it reach the broker, Git and Kubernetes");
  }

  /** The service under {@code root} uses no class of another service. */
  public static ArchRule usesNoOtherService(String root) {
    String[] others =
        SERVICES.stream().filter(s -> !s.equals(root)).map(s -> s + "..").toArray(String[]::new);
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(others)
        .because("services talk through Kafka topics and the contract module only");
  }
}
