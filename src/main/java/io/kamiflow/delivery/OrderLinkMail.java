package io.kamiflow.delivery;

import java.util.Locale;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Service;

/**
 * "Find my order": mails the order page's link to the order's own address, never to the one asked with, and
 * never the keys. The mail goes out in the background so the answer takes as long whether or not the order
 * exists; a mail the server refuses is only logged (the buyer asks again). Nothing is written: there is nothing to
 * roll back. The queue is bounded: when it is full the request is refused (the form answers 503 and
 * {@code kamiflow_order_link_mails_refused_total} counts it), never dropped behind the buyer's back.
 */
@Service
public class OrderLinkMail {

    private static final Logger log = LoggerFactory.getLogger(OrderLinkMail.class);

    private final OrderRepository orders;
    private final OrderLinks links;
    private final JavaMailSender mail;
    private final DeliveryProperties properties;

    /** One sender, a short queue: a flood of requests is refused instead of piling up threads. */
    private final ThreadPoolExecutor sender;
    private final Counter refused;

    OrderLinkMail(OrderRepository orders, OrderLinks links, JavaMailSender mail, DeliveryProperties properties,
                  MeterRegistry meters) {
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

    private void send(Order order) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(properties.from());
        message.setTo(order.buyerEmail());
        message.setSubject("[" + properties.shopName() + "] The link to your order " + order.orderNo());
        message.setText("You (or someone who knows your order number and email) asked for the link to order "
                + order.orderNo() + ".\n\nYour order page (the link is your access, do not share it):\n"
                + links.absolute(order.orderNo()) + "\n\nIf you did not ask for it, ignore this mail.\n");
        try {
            mail.send(message);
            log.info("order {}: link mailed on request", order.orderNo());
        } catch (MailException e) {
            log.warn("order {}: link mail failed: {}", order.orderNo(), MailFailures.describe(e));
        }
    }

    @PreDestroy
    void stop() {
        sender.shutdown();
    }
}
