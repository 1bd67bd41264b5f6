package io.kamiflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.junit.jupiter.api.Test;
import org.springframework.mail.MailSendException;

class MailFailuresTest {

    @Test
    void rejectedRecipientWith5xxIsPermanentAnd4xxIsTransient() throws AddressException {
        InternetAddress to = new InternetAddress("gone@example.com");
        MailSendException rejected = new MailSendException("send failed",
                new SMTPAddressFailedException(to, "RCPT TO", 550, "550 5.1.1 no such user"));
        MailSendException greylisted = new MailSendException("send failed",
                new SMTPAddressFailedException(to, "RCPT TO", 451, "451 4.7.1 try again later"));
        assertThat(MailFailures.isPermanent(rejected)).isTrue();
        assertThat(MailFailures.isPermanent(greylisted)).isFalse();
    }

    @Test
    void aRefusalReportedTheWaySpringReportsItIsPermanentToo() throws AddressException {
        // JavaMailSenderImpl puts a per-message failure in the failed-messages map, with no cause
        InternetAddress to = new InternetAddress("gone@example.com");
        MailSendException refused = new MailSendException(java.util.Map.of("message",
                new jakarta.mail.SendFailedException("Invalid Addresses",
                        new SMTPAddressFailedException(to, "RCPT TO", 550, "550 5.1.1 no such user"))));
        MailSendException busy = new MailSendException(java.util.Map.of("message",
                new jakarta.mail.SendFailedException("Invalid Addresses",
                        new SMTPAddressFailedException(to, "RCPT TO", 452, "452 4.2.2 mailbox full"))));
        assertThat(refused.getCause()).isNull();
        assertThat(MailFailures.isPermanent(refused)).isTrue();
        assertThat(MailFailures.isPermanent(busy)).isFalse();
    }

    @Test
    void connectionProblemsAreTransientAndDescribedOnOneLine() {
        MailSendException down = new MailSendException("Mail server connection failed",
                new java.net.ConnectException("Connection refused\nsecond line"));
        assertThat(MailFailures.isPermanent(down)).isFalse();
        assertThat(MailFailures.describe(down)).contains("Connection refused").doesNotContain("\n");
    }

    /**
     * Servers echo the refused recipient ("550 5.1.1 <gone@example.com>: ...") and Spring quotes it: the description
     * goes into delivery_attempt.error, the log and the Manual delivery form's process variable, which must hold no
     * address (issue 19, hole 8). The reason stays readable.
     */
    @Test
    void theDescriptionOfARefusedRecipientHoldsNoAddress() throws AddressException {
        InternetAddress to = new InternetAddress("Gone.Buyer+shop@Example.com");
        MailSendException refused = new MailSendException(java.util.Map.of("message",
                new jakarta.mail.SendFailedException("Invalid Addresses", new SMTPAddressFailedException(to, "RCPT TO", 550,
                        "550 5.1.1 <Gone.Buyer+shop@Example.com>: Recipient address rejected: User unknown"))));
        assertThat(refused.getMessage()).as("what Spring reports").contains("Gone.Buyer+shop@Example.com");

        String described = MailFailures.describe(refused);

        assertThat(described).doesNotContainIgnoringCase("gone.buyer").doesNotContainIgnoringCase("example.com")
                .doesNotContain("@")
                .contains("550 5.1.1", "Recipient address rejected: User unknown");
        assertThat(MailFailures.describe(new org.springframework.mail.MailParseException(
                "Illegal address in string ``not an address@@Example.com''"))).as("an address that does not even parse")
                .doesNotContain("@").doesNotContainIgnoringCase("example.com").contains("Illegal address");
    }
}
