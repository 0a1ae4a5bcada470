package io.pledge.notifier.email;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * One e-mail recipient, as a rendered template or a pipeline wrote it. A value fills exactly one
 * address: a request's spec value must not be able to add a recipient ({@code
 * attacker@evil.example,victim}), a group, or a header line.
 */
public final class EmailAddress {

  private EmailAddress() {}

  /**
   * The value as one bare address ({@code local@domain}), checked by jakarta.mail's strict parser;
   * surrounding spaces are dropped.
   *
   * @throws IllegalArgumentException saying why it is not exactly one address
   */
  public static String parse(String value) {
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("not one e-mail address: it has a control character");
    }
    String address = value.strip();
    if (address.isEmpty()) {
      throw new IllegalArgumentException("not one e-mail address: it is empty");
    }
    // Checked before parsing: the parser reads ',' as a list and ';' as the end of a group.
    if (address.indexOf(',') >= 0 || address.indexOf(';') >= 0) {
      throw new IllegalArgumentException("not one e-mail address: it has ',' or ';'");
    }
    InternetAddress[] parsed;
    try {
      parsed = InternetAddress.parse(address, true);
      if (parsed.length != 1) {
        throw new IllegalArgumentException("not one e-mail address: it has " + parsed.length);
      }
      if (parsed[0].isGroup()) {
        throw new IllegalArgumentException("not one e-mail address: it is a group");
      }
      parsed[0].validate();
    } catch (AddressException e) {
      throw new IllegalArgumentException("not one e-mail address: " + reason(e), e);
    }
    // A name, comment or angle brackets would be dropped or read differently by the mailer.
    if (!parsed[0].getAddress().equals(address)) {
      throw new IllegalArgumentException(
          "not one e-mail address: only local@domain, without a name, comment or <>");
    }
    return address;
  }

  /** The parser's reason without the value it quotes (the caller shows that, made safe). */
  private static String reason(AddressException e) {
    String message = String.valueOf(e.getMessage());
    int quoted = message.indexOf(" in string ``");
    return quoted < 0 ? message : message.substring(0, quoted);
  }
}
