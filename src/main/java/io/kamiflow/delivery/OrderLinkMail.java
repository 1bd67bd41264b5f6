package io.kamiflow.delivery;

import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderLinks;
import io.kamiflow.ordering.OrderRepository;
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
 * exists; a lost mail is only logged (the buyer asks again). Nothing is written: there is nothing to roll back.
 */
@Service
public class OrderLinkMail {

    private static final Logger log = LoggerFactory.getLogger(OrderLinkMail.class);

    private final OrderRepository orders;
    private final OrderLinks links;
    private final JavaMailSender mail;
    private final DeliveryProperties properties;
    /** One sender, a short queue: a flood of requests drops mails instead of piling up threads. */
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(100), new ThreadPoolExecutor.DiscardPolicy());

    OrderLinkMail(OrderRepository orders, OrderLinks links, JavaMailSender mail, DeliveryProperties properties) {
        this.orders = orders;
        this.links = links;
        this.mail = mail;
        this.properties = properties;
    }

    /**
     * Sends the link when {@code orderNo} is an order of {@code email}; otherwise does nothing, silently. An order whose
     * buyer data the retention policy erased has no address any more: nothing is sent, and the answer is the same.
     */
    public void resend(String orderNo, String email) {
        sender.execute(() -> orders.findByOrderNo(orderNo.strip())
                .filter(order -> !order.personalDataErased())
                .filter(order -> order.buyerEmail().toLowerCase(Locale.ROOT).equals(email.strip().toLowerCase(Locale.ROOT)))
                .ifPresent(this::send));
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
