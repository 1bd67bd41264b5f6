package io.kamiflow.delivery;

import java.util.List;

import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyVault;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Mails an order's keys. The attempt row and the DELIVERED status are written first and the mail is
 * sent last, so a failed send rolls both back; after a successful send only the commit remains.
 * Every attempt carries a Message-ID derived from order and attempt number, so a replay of the same
 * attempt is recognisable as one message.
 */
@Service
public class KeyDeliveryService {

    private static final Logger log = LoggerFactory.getLogger(KeyDeliveryService.class);

    private final OrderRepository orders;
    private final ProductRepository products;
    private final KeyVault vault;
    private final JdbcClient jdbc;
    private final JavaMailSender mail;
    private final DeliveryProperties properties;

    KeyDeliveryService(OrderRepository orders, ProductRepository products, KeyVault vault, JdbcClient jdbc,
                       JavaMailSender mail, DeliveryProperties properties) {
        this.orders = orders;
        this.products = products;
        this.vault = vault;
        this.jdbc = jdbc;
        this.mail = mail;
        this.properties = properties;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void deliver(long orderId) {
        Order order = orders.getById(orderId);
        Product product = products.getById(order.productId());
        List<String> keys = vault.keysSoldTo(orderId);
        if (keys.size() != order.quantity()) {
            throw new IllegalStateException("order " + order.orderNo() + " holds " + keys.size() + " of "
                    + order.quantity() + " keys; refusing to deliver a partial order");
        }
        int attemptNo = nextAttemptNo(orderId);
        String messageId = "<" + order.orderNo() + "." + attemptNo + "@kamiflow>";
        jdbc.sql("""
                INSERT INTO delivery_attempt (order_id, channel, attempt_no, recipient, outcome, message_id)
                VALUES (?, 'email', ?, ?, 'SENT', ?)""")
                .params(orderId, attemptNo, order.buyerEmail(), messageId).update();
        orders.transition(orderId, OrderStatus.DELIVERED, OrderStatus.PAID, OrderStatus.AWAITING_STOCK,
                OrderStatus.MANUAL, OrderStatus.DELIVERED);
        mail.send(message(order.buyerEmail(), messageId,
                new KeyMail(properties.shopName(), order.orderNo(), product.name(), keys)));
        log.info("order {} delivered to buyer by email (attempt {})", order.orderNo(), attemptNo);
    }

    private int nextAttemptNo(long orderId) {
        return jdbc.sql("SELECT coalesce(max(attempt_no), 0) + 1 FROM delivery_attempt WHERE order_id = ?")
                .param(orderId).query(Integer.class).single();
    }

    private MimeMessage message(String to, String messageId, KeyMail content) {
        MimeMessage message = mail.createMimeMessage();
        try {
            MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
            helper.setFrom(properties.from());
            helper.setTo(to);
            helper.setSubject(content.subject());
            helper.setText(content.text(), content.html());
            message.setHeader("Message-ID", messageId);
        } catch (MessagingException e) {
            throw new MailPreparationException("could not build the key mail (" + e.getClass().getSimpleName() + ")");
        }
        return message;
    }
}
