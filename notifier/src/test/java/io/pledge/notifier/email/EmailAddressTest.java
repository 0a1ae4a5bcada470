package io.pledge.notifier.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmailAddressTest {

  @Test
  void acceptsOneBareAddress() {
    assertThat(EmailAddress.parse("dana@example.com")).isEqualTo("dana@example.com");
    assertThat(EmailAddress.parse("  dana.o-neil+db@mail.example.com "))
        .isEqualTo("dana.o-neil+db@mail.example.com");
    // Quoted, the '@' is part of the local name: the mail still goes to example.com.
    assertThat(EmailAddress.parse("\"a@evil\"@example.com")).isEqualTo("\"a@evil\"@example.com");
  }

  @Test
  void refusesAListWhateverItsSeparator() {
    assertThatThrownBy(() -> EmailAddress.parse("attacker@evil.example,victim@example.com"))
        .hasMessage("not one e-mail address: it has ',' or ';'");
    assertThatThrownBy(() -> EmailAddress.parse("attacker@evil.example;victim@example.com"))
        .hasMessage("not one e-mail address: it has ',' or ';'");
    assertThatThrownBy(() -> EmailAddress.parse("\"a,b\"@example.com"))
        .hasMessageContaining("',' or ';'");
    assertThatThrownBy(() -> EmailAddress.parse("attacker@evil.example victim@example.com"))
        .hasMessageStartingWith("not one e-mail address:");
  }

  @Test
  void refusesAGroup() {
    assertThatThrownBy(() -> EmailAddress.parse("friends: attacker@evil.example"))
        .hasMessageStartingWith("not one e-mail address:");
  }

  @Test
  void refusesLineBreaksAndOtherControlCharacters() {
    assertThatThrownBy(() -> EmailAddress.parse("dana@example.com\r\nBcc: attacker@evil.example"))
        .hasMessage("not one e-mail address: it has a control character");
    assertThatThrownBy(() -> EmailAddress.parse("dana@example.com\n"))
        .hasMessage("not one e-mail address: it has a control character");
    assertThatThrownBy(() -> EmailAddress.parse("dana\u0000@example.com"))
        .hasMessage("not one e-mail address: it has a control character");
  }

  @Test
  void refusesNamesCommentsAndRoutes() {
    assertThatThrownBy(() -> EmailAddress.parse("Dana <dana@example.com>"))
        .hasMessageContaining("without a name, comment or <>");
    assertThatThrownBy(() -> EmailAddress.parse("<dana@example.com>"))
        .hasMessageContaining("without a name, comment or <>");
    assertThatThrownBy(() -> EmailAddress.parse("dana@example.com (attacker@evil.example)"))
        .hasMessageContaining("without a name, comment or <>");
    assertThatThrownBy(() -> EmailAddress.parse("<@evil.example:victim@example.com>"))
        .hasMessageStartingWith("not one e-mail address:");
  }

  @Test
  void refusesWhatIsNoAddress() {
    assertThatThrownBy(() -> EmailAddress.parse("requester-name"))
        .hasMessage("not one e-mail address: Missing final '@domain'");
    assertThatThrownBy(() -> EmailAddress.parse("attacker@evil.example@example.com"))
        .hasMessageStartingWith("not one e-mail address:")
        .hasMessageNotContaining("evil");
    assertThatThrownBy(() -> EmailAddress.parse("  "))
        .hasMessage("not one e-mail address: it is empty");
  }
}
