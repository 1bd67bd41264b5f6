package io.kamiflow.delivery;

import java.util.Locale;
import java.util.Map;
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
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;

/**
 * "Find my orders" by email alone: mails the address a link to the list of its orders (valid 30 minutes), in the
 * language of the page that asked, and only when the address has orders. As for {@link OrderLinkMail} the work is done
 * in the background, so the answer takes as long whether or not it has any, and a full queue is refused, never
 * dropped behind the buyer's back. HTML and text (templates/mail/order-list.*) with the shop's name; it belongs to no
 * one order, so no timeline row, and it never carries a key, a delivery or an order's own token.
 */
@Service
public class OrderListMail {

    private static final Logger log = LoggerFactory.getLogger(OrderListMail.class);

    private final OrderListLinks links;
    private final JavaMailSender mail;
    private final DeliveryProperties properties;
    private final MailTemplates templates;
    private final ShopName shopName;
    private final String baseUrl;
    private final ThreadPoolExecutor sender;

    OrderListMail(OrderListLinks links, JavaMailSender mail, DeliveryProperties properties, MailTemplates templates,
                  ShopName shopName, @Value("${kamiflow.storefront.base-url:http://localhost:8080}") String baseUrl) {
        this.links = links;
        this.mail = mail;
        this.properties = properties;
        this.templates = templates;
        this.shopName = shopName;
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
            MailTemplates.Rendered rendered = render(link, locale);
            MimeMessage message = mail.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
            helper.setFrom(properties.from());
            helper.setTo(to);
            helper.setSubject(rendered.subject());
            MailBodies.set(helper, rendered.text(), rendered.html());
            mail.send(message);
            log.info("order list link mailed on request");
        } catch (MailException | MessagingException e) {
            log.warn("order list link mail failed: {}", MailFailures.describe(e));
        } catch (RuntimeException e) { // a template's fault: logged by type only (never the link), the buyer asks again
            log.error("order list link mail could not be built ({})", e.getClass().getSimpleName());
        }
    }

    /** The mail in the buyer's language, the list's link valid {@link OrderListLinks#VALID}. */
    MailTemplates.Rendered render(String link, Locale locale) {
        return templates.renderWithSubject("order-list", "mails2.orderList.subject", locale, shopName.name(locale),
                Map.of("listLink", link, "minutes", OrderListLinks.VALID.toMinutes()));
    }

    @PreDestroy
    void stop() {
        sender.shutdown();
    }
}
