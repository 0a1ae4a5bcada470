package io.pledge.testkit.layering;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The layering rules ({@link LayeringRules}) as the tests of one service: each service's {@code
 * LayeringTest} extends this, naming its root package, a class of its own and its domain packages.
 * One instance serves the three tests, so the service's classes are read once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ServiceLayering {

  private final String root;
  private final Class<?> anchor;
  private final List<String> domain;
  private final String[] allowedInDomain;
  private JavaClasses classes;

  /**
   * @param anchor any main class of the service, to find its compiled classes
   * @param allowedInDomain adapter packages the domain may use after all, each with its reason
   *     where the subclass names it
   */
  protected ServiceLayering(
      String root, Class<?> anchor, List<String> domain, String... allowedInDomain) {
    this.root = root;
    this.anchor = anchor;
    this.domain = List.copyOf(domain);
    this.allowedInDomain = allowedInDomain.clone();
  }

  private JavaClasses classes() {
    if (classes == null) {
      classes = LayeringRules.mainClasses(anchor);
    }
    return classes;
  }

  @Test
  public void noPackageDependsOnItselfThroughOthers() {
    LayeringRules.noPackageCycles(root).check(classes());
  }

  @Test
  public void domainPackagesUseNoAdapterTechnology() {
    LayeringRules.domainUsesNoAdapterTechnology(domain, allowedInDomain).check(classes());
  }

  @Test
  public void noOtherServiceIsUsed() {
    LayeringRules.usesNoOtherService(root).check(classes());
  }
}
