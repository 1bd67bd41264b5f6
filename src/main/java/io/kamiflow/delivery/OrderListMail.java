package io.kamiflow.delivery;

import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.kamiflow.ordering.OrderListLinks;
import jakarta.annotation.PreDestroy;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;

/**
 * "Find my orders" by email alone: mails the address a link to the list of its orders (valid 30 minutes), in the
 * language of the page that asked, and only when the address has orders. As for {@link OrderLinkMail} the work is done
 * in the background, so the answer takes as long whether or not it has any, and a full queue is refused, never
 * dropped behind the buyer's back.
 */
@Service
public class OrderListMail {

    private static final Logger log = LoggerFactory.getLogger(OrderListMail.class);

    private final OrderListLinks links;
    private final JavaMailSender mail;
    private final DeliveryProperties properties;
    private final MessageSource messages;
    private final String baseUrl;
    private final ThreadPoolExecutor sender;

    OrderListMail(OrderListLinks links, JavaMailSender mail, DeliveryProperties properties, MessageSource messages,
                  @Value("${kamiflow.storefront.base-url:http://localhost:8080}") String baseUrl) {
        this.links = links;
        this.mail = mail;
        this.properties = properties;
        this.messages = messages;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(properties.linkMailQueue()),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** @return false when the queue is full and the request was not taken */
    public boolean request(String email, Locale locale) {
        String to = email.strip();
        try {
            sender.execute(() -> links.create(to).ifPresent(token -> send(to, baseUrl + OrderListLinks.path(token), locale)));
            return true;
        } catch (RejectedExecutionException full) {
            log.warn("order link mail queue full: a find-my-orders request was refused");
            return false;
        }
    }

    private void send(String to, String link, Locale locale) {
        try {
            MimeMessage message = mail.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(message, false, "UTF-8");
            helper.setFrom(properties.from());
            helper.setTo(to);
            helper.setSubject(messages.getMessage("orderpages.mail.subject", new Object[] {properties.shopName()}, locale));
            helper.setText(text(link, locale));
            mail.send(message);
            log.info("order list link mailed on request");
        } catch (MailException | MessagingException e) {
            log.warn("order list link mail failed: {}", MailFailures.describe(e));
        }
    }

    /** The mail's text in the buyer's language: the one place to change when it becomes a template. */
    String text(String link, Locale locale) {
        return messages.getMessage("orderpages.mail.text", new Object[] {link, OrderListLinks.VALID.toMinutes(),
                properties.shopName()}, locale);
    }

    @PreDestroy
    void stop() {
        sender.shutdown();
    }
}
