package io.pledge.runner.config;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;

/** Kubernetes quantities ({@code 512Mi}, {@code 1G}, {@code 1e9}, {@code 1048576}) as bytes. */
public final class Quantities {

  private Quantities() {}

  /**
   * @throws IllegalArgumentException when {@code text} is not a quantity, or not a whole number of
   *     bytes that fits a long
   */
  public static long bytes(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an empty quantity");
    }
    BigDecimal amount;
    try {
      amount = Quantity.getAmountInBytes(new Quantity(text.trim()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a quantity: " + text, e);
    }
    try {
      // 1.5Ki is 1536 bytes; 0.5 bytes is not a size.
      return amount.stripTrailingZeros().longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("not a whole number of bytes: " + text, e);
    }
  }
}
