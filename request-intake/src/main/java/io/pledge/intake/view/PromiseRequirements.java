package io.pledge.intake.view;

import io.pledge.contract.kratix.RequiredPromises;
import java.util.List;

/**
 * What a Promise's status says of requirements: its own ({@code status.requiredPromises}, each with
 * Kratix's state) and who requires it ({@code status.requiredBy}).
 */
public record PromiseRequirements(
    List<RequiredPromises.State> states, List<RequiredPromises.RequiredBy> requiredBy) {

  public static final PromiseRequirements NONE = new PromiseRequirements(List.of(), List.of());

  public boolean fulfilled() {
    return states.stream().allMatch(RequiredPromises.State::fulfilled);
  }
}
