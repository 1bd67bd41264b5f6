package io.kamiflow.dev;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The embedded default's mailbox: a real SMTP server (GreenMail) on loopback that keeps every mail
 * kamiflow sends, readable at GET /dev/mail. Dev only: the prod profile refuses kamiflow.dev.enabled.
 */
@Component
@ConditionalOnProperty(name = "kamiflow.dev.enabled", havingValue = "true")
class DevMailSink implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DevMailSink.class);

    record ReceivedMail(String messageId, List<String> to, String subject, Instant receivedAt, String body) {
    }

    private final GreenMail greenMail;
    private final int port;

    DevMailSink(@Value("${spring.mail.port}") int port) {
        this.port = port;
        this.greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    }

    @Override
    public void afterPropertiesSet() {
        greenMail.start();
        log.info("dev mail sink listening on smtp://127.0.0.1:{}; read received mail at GET /dev/mail", port);
    }

    @Override
    public void destroy() {
        greenMail.stop();
    }

    List<ReceivedMail> received() {
        return Arrays.stream(greenMail.getReceivedMessages()).map(DevMailSink::view).toList();
    }

    private static ReceivedMail view(MimeMessage message) {
        try {
            Address[] recipients = message.getAllRecipients();
            return new ReceivedMail(message.getMessageID(),
                    recipients == null ? List.of() : Arrays.stream(recipients).map(Address::toString).toList(),
                    message.getSubject(),
                    message.getReceivedDate() == null ? null : message.getReceivedDate().toInstant(),
                    plainText(message));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("unreadable message in the dev mail sink", e);
        }
    }

    /** The text/plain part, found through Jakarta Mail's own MIME parsing. */
    private static String plainText(Part part) throws MessagingException, IOException {
        if (part.isMimeType("text/plain")) {
            return part.getContent().toString();
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = plainText(multipart.getBodyPart(i));
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }
}
