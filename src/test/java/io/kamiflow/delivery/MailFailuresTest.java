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
}
