package io.kamiflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.TestMail;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mail.MailSendException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/** Mails share SMTP connections, and a connection the server dropped never loses or doubles a mail. */
class ReusingMailSenderTest extends IntegrationTest {

    @Autowired
    JavaMailSender mail;
    @Autowired
    MeterRegistry registry;

    @AfterEach
    void mailServerBack() {
        TestMail.start();
    }

    @Test
    void mailsInARowShareOneConnection() throws Exception {
        double before = opened();
        for (int i = 0; i < 5; i++) {
            mail.send(message("row" + i + "@reuse.example.com"));
        }
        assertThat(TestMail.get().getReceivedMessagesForDomain("reuse.example.com")).hasSize(5);
        assertThat(opened() - before).as("connections opened for 5 mails").isLessThanOrEqualTo(1);
    }

    @Test
    void aConnectionTheServerDroppedIsReplacedAndTheMailGoesOnceThenADownServerFailsTheSend() throws Exception {
        mail.send(message("before@dropped.example.com")); // leaves a connection open
        TestMail.stop(); // the server goes away, closing its connections
        TestMail.start();
        double before = opened();
        mail.send(message("after@dropped.example.com")); // within the no-check window: the dropped connection is tried first
        assertThat(TestMail.get().getReceivedMessagesForDomain("dropped.example.com"))
                .extracting(m -> m.getAllRecipients()[0].toString()).containsExactly("after@dropped.example.com");
        assertThat(opened() - before).isEqualTo(1);

        TestMail.stop();
        assertThatThrownBy(() -> mail.send(message("down@dropped.example.com"))).isInstanceOf(MailSendException.class);
        TestMail.start();
        mail.send(message("back@dropped.example.com"));
        assertThat(TestMail.get().getReceivedMessagesForDomain("dropped.example.com"))
                .extracting(m -> m.getAllRecipients()[0].toString()).containsExactly("back@dropped.example.com");
    }

    /**
     * What every integration test does first (MailConnections): the connections kept from earlier mails are closed, so
     * a mail after it opens its own, and the pool keeps working afterwards (its count of idle connections stays right).
     */
    @Test
    void closingTheIdleConnectionsMakesTheNextMailOpenItsOwnAndReuseGoesOn() throws Exception {
        mail.send(message("kept@idle.example.com")); // leaves a connection open
        double before = opened();
        ((ReusingMailSender) mail).closeIdle();
        mail.send(message("fresh@idle.example.com"));
        double after = opened();
        assertThat(after - before).as("a new connection after the idle ones were closed").isGreaterThanOrEqualTo(1);
        for (int i = 0; i < 5; i++) {
            mail.send(message("again" + i + "@idle.example.com"));
        }
        assertThat(opened() - after).as("then reused again").isLessThanOrEqualTo(1);
        assertThat(TestMail.get().getReceivedMessagesForDomain("idle.example.com")).hasSize(7);
    }

    @Test
    void onlyASocketFailureWithoutAnswerOrTimeoutCountsAsADroppedConnection() throws Exception {
        assertThat(ReusingMailSender.isDroppedConnection(new MessagingException("Can't send command to SMTP host",
                new SocketException("Connection reset")))).isTrue();
        assertThat(ReusingMailSender.isDroppedConnection(new MessagingException("Exception reading response",
                new SocketTimeoutException("Read timed out")))).as("slow, maybe took the mail").isFalse();
        assertThat(ReusingMailSender.isDroppedConnection(new SMTPSendFailedException("DATA", 451, "451 try later",
                new IOException("x"), null, null, null))).as("the server answered").isFalse();
        assertThat(ReusingMailSender.isDroppedConnection(new MessagingException("no socket involved"))).isFalse();
        assertThat(ReusingMailSender.isDroppedConnection(new SMTPSendFailedException("MAIL FROM:<shop@kamiflow.test>", -1,
                "[EOF]", null, null, null, null))).as("closed where MAIL FROM's answer was due (seen after a restart)").isTrue();
        assertThat(ReusingMailSender.isDroppedConnection(new SMTPSendFailedException(".", -1, "[EOF]", null, null, null,
                null))).as("closed after the content: the server may have taken the mail").isFalse();
        assertThat(new InternetAddress("x@example.com")).isNotNull();
    }

    private double opened() {
        return registry.get("kamiflow.mail.connections.opened").counter().count();
    }

    private static SimpleMailMessage message(String to) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom("shop@kamiflow.test");
        message.setTo(to);
        message.setSubject("reuse");
        message.setText("hello");
        return message;
    }
}
