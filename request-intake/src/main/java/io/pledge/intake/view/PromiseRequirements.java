package io.pledge.intake.view;

import io.pledge.contract.kratix.RequiredPromises;
import java.util.List;

/**
 * What a Promise's status says of requirements: its own ({@code status.requiredPromises}, each with
 * Kratix's state) and who requires it ({@code status.requiredBy}).
 */
public record PromiseRequirements(
    List<RequiredPromises.State> states, List<RequiredPromises.RequiredBy> requiredBy) {

  /**
   * {@code promise}'s requiredPromises, each judged against the Promises {@code view} knows, and
   * the Promises that require it.
   */
  public static PromiseRequirements of(PromiseEntry promise, IntakeView view) {
    List<RequiredPromises.State> states =
        RequiredPromises.states(
            promise.promise(),
            name ->
                view.promise(name)
                    .map(
                        p ->
                            new RequiredPromises.Known(
                                p.promise(),
                                StatusRenderer.configured(p, view.status(name).orElse(null)))));
    return new PromiseRequirements(
        states,
        RequiredPromises.requiredBy(
            promise.name(), view.promises().stream().map(PromiseEntry::promise).toList()));
  }

  public boolean fulfilled() {
    return states.stream().allMatch(RequiredPromises.State::fulfilled);
  }
}
