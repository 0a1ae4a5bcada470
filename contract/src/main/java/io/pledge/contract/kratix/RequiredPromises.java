package io.pledge.contract.kratix;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A Promise's {@code requiredPromises}, judged as Kratix judges them: each must exist, carry the
 * asked version (label {@value #VERSION_LABEL}) when one is given, and be Available, which includes
 * its own requirements. Pure: the caller says what it knows of each Promise.
 */
public final class RequiredPromises {

  public static final String VERSION_LABEL = "kratix.io/promise-version";

  public static final String INSTALLED = "Requirement installed";
  public static final String NOT_INSTALLED = "Requirement not installed";
  public static final String WRONG_VERSION = "Requirement not installed at the specified version";
  public static final String NOT_AVAILABLE = "Requirement not available";

  /**
   * What the caller knows of a Promise.
   *
   * @param promise its document
   * @param available whether its own workflows made it Available (requirements aside)
   */
  public record Known(Promise promise, boolean available) {}

  /** One requirement and where it stands: Kratix's {@code status.requiredPromises[]}. */
  public record State(String name, String version, String state) {
    public boolean fulfilled() {
      return INSTALLED.equals(state);
    }
  }

  /** One entry of {@code spec.requiredPromises}. */
  public record Requirement(String name, String version) {}

  /** A Promise by name and version label, as {@code requiredBy} names it. */
  public record PromiseRef(String name, String version) {}

  /**
   * Kratix's {@code status.requiredBy[]} entry: a Promise that requires this one, and at which
   * version.
   */
  public record RequiredBy(PromiseRef promise, String requiredVersion) {}

  /** The Promises among {@code all} that require {@code name}. */
  public static List<RequiredBy> requiredBy(String name, java.util.Collection<Promise> all) {
    List<RequiredBy> requiredBy = new ArrayList<>();
    for (Promise other : all) {
      for (Requirement r : of(other)) {
        if (r.name().equals(name)) {
          requiredBy.add(
              new RequiredBy(
                  new PromiseRef(
                      other.metadata() == null ? null : other.metadata().name(), version(other)),
                  r.version()));
        }
      }
    }
    return requiredBy;
  }

  private RequiredPromises() {}

  /** The entries of {@code promise}'s {@code spec.requiredPromises}, in order. */
  public static List<Requirement> of(Promise promise) {
    List<Requirement> requirements = new ArrayList<>();
    if (promise.spec() != null && promise.spec().requiredPromises() != null) {
      for (JsonNode r : promise.spec().requiredPromises()) {
        String name = r.path("name").asText("");
        if (!name.isEmpty()) {
          requirements.add(new Requirement(name, r.path("version").asText(null)));
        }
      }
    }
    return requirements;
  }

  /** Each requirement of {@code promise} with its state. */
  public static List<State> states(Promise promise, Function<String, Optional<Known>> lookup) {
    return states(promise, lookup, new HashSet<>());
  }

  /** The first requirement of {@code promise} that is not fulfilled, if any. */
  public static Optional<State> firstUnfulfilled(
      Promise promise, Function<String, Optional<Known>> lookup) {
    return states(promise, lookup).stream().filter(s -> !s.fulfilled()).findFirst();
  }

  /**
   * The Promise whose change could fulfil {@code promise}'s requirements: the first unfulfilled
   * requirement, or, when that one is there but waits on its own requirements, what it waits on.
   * Empty when every requirement is fulfilled. A job waiting on it is woken by its change.
   */
  public static Optional<String> blocker(
      Promise promise, Function<String, Optional<Known>> lookup) {
    return blocker(promise, lookup, new HashSet<>());
  }

  private static Optional<String> blocker(
      Promise promise, Function<String, Optional<Known>> lookup, Set<String> seen) {
    Optional<State> first = firstUnfulfilled(promise, lookup);
    if (first.isEmpty()) {
      return Optional.empty();
    }
    String name = first.get().name();
    Optional<Known> known = lookup.apply(name);
    if (!NOT_AVAILABLE.equals(first.get().state())
        || known.isEmpty()
        || !known.get().available()
        || !seen.add(name)) {
      return Optional.of(name);
    }
    return blocker(known.get().promise(), lookup, seen).or(() -> Optional.of(name));
  }

  private static List<State> states(
      Promise promise, Function<String, Optional<Known>> lookup, Set<String> visiting) {
    String self = promise.metadata() == null ? "" : promise.metadata().name();
    visiting.add(self);
    List<State> states = new ArrayList<>();
    for (Requirement r : of(promise)) {
      Optional<Known> known = lookup.apply(r.name());
      String state;
      if (known.isEmpty()) {
        state = NOT_INSTALLED;
      } else if (r.version() != null && !r.version().equals(version(known.get().promise()))) {
        state = WRONG_VERSION;
      } else if (!known.get().available()
          || visiting.contains(r.name())
          || states(known.get().promise(), lookup, visiting).stream()
              .anyMatch(s -> !s.fulfilled())) {
        state = NOT_AVAILABLE;
      } else {
        state = INSTALLED;
      }
      states.add(new State(r.name(), r.version(), state));
    }
    visiting.remove(self);
    return states;
  }

  /** The Promise's version label, or null. */
  public static String version(Promise promise) {
    return promise.metadata() == null
        ? null
        : promise.metadata().labelsOrEmpty().get(VERSION_LABEL);
  }

  /**
   * The chain of requirements that leads from {@code name} back to itself when it requires {@code
   * required}, or empty when there is none.
   *
   * @param requiredOf the names each other known Promise requires
   */
  public static Optional<List<String>> cycle(
      String name, List<String> required, Function<String, List<String>> requiredOf) {
    for (String next : required) {
      LinkedHashSet<String> path = new LinkedHashSet<>();
      path.add(name);
      Optional<List<String>> found = walk(next, name, path, requiredOf);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<List<String>> walk(
      String at,
      String target,
      LinkedHashSet<String> path,
      Function<String, List<String>> requiredOf) {
    if (at.equals(target)) {
      List<String> cycle = new ArrayList<>(path);
      cycle.add(target);
      return Optional.of(cycle);
    }
    if (!path.add(at)) {
      return Optional.empty(); // a loop that does not pass through target is not this Promise's
    }
    for (String next : requiredOf.apply(at)) {
      Optional<List<String>> found = walk(next, target, path, requiredOf);
      if (found.isPresent()) {
        return found;
      }
    }
    path.remove(at);
    return Optional.empty();
  }
}
