package io.kamiflow.delivery;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderLinks;
import io.kamiflow.ordering.OrderRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;

/**
 * "Find my order": mails the order page's link to the order's own address, never to the one asked with, and
 * never the keys. The mail goes out in the background so the answer takes as long whether or not the order
 * exists; a mail the server refuses is only logged (the buyer asks again). Only the outcome is written, afterwards, as a
 * row of the order's timeline ({@link BuyerMails}). The queue is bounded: when it is full the request is refused (the form answers 503 and
 * {@code kamiflow_order_link_mails_refused_total} counts it), never dropped behind the buyer's back.
 */
@Service
public class OrderLinkMail {

    private static final Logger log = LoggerFactory.getLogger(OrderLinkMail.class);

    private final OrderRepository orders;
    private final OrderLinks links;
    private final JavaMailSender mail;
    private final DeliveryProperties properties;
    private final MailTemplates templates;
    private final ShopName shopName;
    private final BuyerMails buyerMails;

    /** One sender, a short queue: a flood of requests is refused instead of piling up threads. */
    private final ThreadPoolExecutor sender;
    private final Counter refused;

    OrderLinkMail(OrderRepository orders, OrderLinks links, JavaMailSender mail, DeliveryProperties properties,
                  MeterRegistry meters, MailTemplates templates, ShopName shopName, BuyerMails buyerMails) {
        this.templates = templates;
        this.shopName = shopName;
        this.buyerMails = buyerMails;
        this.orders = orders;
        this.links = links;
        this.mail = mail;
        this.properties = properties;
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(properties.linkMailQueue()),
                new ThreadPoolExecutor.AbortPolicy());
        this.refused = Counter.builder("kamiflow.order.link.mails.refused")
                .description("find-my-order requests refused because the link mail queue was full").register(meters);
        Gauge.builder("kamiflow.order.link.mails.queued", sender, executor -> executor.getQueue().size())
                .description("find-my-order link mails waiting for the sender").register(meters);
    }

    /**
     * Sends the link when {@code orderNo} is an order of {@code email}; otherwise does nothing, silently. An order whose
     * buyer data the retention policy erased has no address any more: nothing is sent, and the answer is the same.
     * @return false when the queue is full and the request was not taken
     */
    public boolean resend(String orderNo, String email) {
        try {
            sender.execute(() -> orders.findByOrderNo(orderNo.strip())
                    .filter(order -> !order.personalDataErased())
                    .filter(order -> order.buyerEmail().toLowerCase(Locale.ROOT).equals(email.strip().toLowerCase(Locale.ROOT)))
                    .ifPresent(this::send));
            return true;
        } catch (RejectedExecutionException full) {
            refused.increment();
            log.warn("order link mail queue full ({} waiting): a find-my-order request was refused",
                    properties.linkMailQueue());
            return false;
        }
    }

    /** In the order's language, HTML and text; the result is a timeline row of the order (never the link). */
    private void send(Order order) {
        boolean sent = false;
        try {
            Locale locale = order.locale();
            MailTemplates.Rendered rendered = templates.render("order-link", locale, shopName.name(locale),
                    Map.of("orderNo", order.orderNo(), "orderLink", links.absolute(order.orderNo())), order.orderNo());
            MimeMessage message = mail.createMimeMessage();
            MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
            helper.setFrom(properties.from());
            helper.setTo(order.buyerEmail());
            helper.setSubject(rendered.subject());
            MailBodies.set(helper, rendered.text(), rendered.html());
            mail.send(message);
            sent = true;
            log.info("order {}: link mailed on request", order.orderNo());
        } catch (MailException | MessagingException e) {
            log.warn("order {}: link mail failed: {}", order.orderNo(), MailFailures.describe(e));
        } catch (RuntimeException e) { // a template's fault: logged by type only, the buyer asks again
            log.error("order {}: link mail could not be built ({})", order.orderNo(), e.getClass().getSimpleName());
        }
        try {
            buyerMails.record(order.id(), BuyerMails.ORDER_LINK, sent);
        } catch (RuntimeException e) {
            log.warn("order {}: link mail not recorded in its timeline ({})", order.orderNo(), e.getClass().getSimpleName());
        }
    }

    @PreDestroy
    void stop() {
        sender.shutdown();
    }
}
