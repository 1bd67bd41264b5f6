package io.kamiflow.delivery;

import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyReveals;
import io.kamiflow.inventory.KeyVault;
import io.kamiflow.ops.metrics.ShopMetrics;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderLinks;
import io.kamiflow.ordering.OrderPrices;
import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.ordering.OrderStatus;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.MailException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.thymeleaf.exceptions.TemplateEngineException;

/**
 * One attempt to mail an order's keys in three steps: {@link #prepare} (a short transaction), {@link #send} (no
 * transaction; the keys count as revealed from the moment the mail goes) and {@link #record} (in the caller's
 * transaction), whatever its outcome. A failure does not throw: the failed attempt must commit so the process can
 * wait and retry, visibly. A success writes the SENT row and DELIVERED status after the SMTP server accepted the
 * mail; should that commit fail, the repeated attempt (Send keys' task after its lock, the queue's sweep) sends the
 * same Message-ID (derived from order and attempt number), so mail clients see one message. A retry after a transient failure to the same address
 * keeps that failure's Message-ID too: SMTP may have taken the message before the connection broke (seen in
 * the SMTP-down drill), and the retry is then the same message again, not a second one.
 */
@Service
public class KeyDeliveryService {

    private static final Logger log = LoggerFactory.getLogger(KeyDeliveryService.class);

    public enum Outcome { SENT, TRANSIENT_FAILURE, PERMANENT_FAILURE }

    public record Attempt(int attemptNo, Outcome outcome, String error) {
    }

    private final OrderRepository orders;
    private final ProductRepository products;
    private final KeyVault vault;
    private final KeyReveals reveals;
    private final JdbcClient jdbc;
    private final JavaMailSender mail;
    private final DeliveryProperties properties;
    private final OrderLinks links;
    private final ShopMetrics metrics;
    private final MailTemplates templates;
    private final ShopName shopName;
    private final OrderPrices prices;
    private final io.kamiflow.db.InsertIfAbsent inserts;

    KeyDeliveryService(OrderRepository orders, ProductRepository products, KeyVault vault, KeyReveals reveals,
                       JdbcClient jdbc, JavaMailSender mail, DeliveryProperties properties, OrderLinks links,
                       ShopMetrics metrics, MailTemplates templates, ShopName shopName, OrderPrices prices,
                       io.kamiflow.db.InsertIfAbsent inserts) {
        this.inserts = inserts;
        this.prices = prices;
        this.templates = templates;
        this.shopName = shopName;
        this.links = links;
        this.metrics = metrics;
        this.orders = orders;
        this.products = products;
        this.vault = vault;
        this.reveals = reveals;
        this.jdbc = jdbc;
        this.mail = mail;
        this.properties = properties;
    }

    /**
     * An attempt's mail, numbered and built (or the reason it could not be built: a permanent failure that revealed
     * nothing), not yet sent.
     */
    public record Prepared(Order order, int attemptNo, String messageId, MimeMessage message, MailException unprepared) {
        @Override
        public String toString() { // never the keys
            return "attempt " + attemptNo + " for order " + order.orderNo();
        }

        public boolean ready() {
            return unprepared == null;
        }
    }

    /** Reads the order, its keys and its last attempt and builds the mail, in the caller's transaction if any. */
    public Prepared prepare(long orderId) {
        Order order = orders.getById(orderId);
        Product product = products.getById(order.productId());
        List<String> keys = vault.keysSoldTo(orderId);
        if (keys.size() != order.quantity()) {
            throw new IllegalStateException("order " + order.orderNo() + " holds " + keys.size() + " of "
                    + order.quantity() + " keys; refusing to deliver a partial order");
        }
        Optional<LastAttempt> last = lastAttempt(orderId);
        int attemptNo = last.map(previous -> previous.attemptNo() + 1).orElse(1);
        String messageId = last.filter(previous -> previous.mayHaveArrived(order.buyerEmail())).map(LastAttempt::messageId)
                .orElse("<" + order.orderNo() + "." + attemptNo + "@kamiflow>");
        try {
            if (order.personalDataErased()) { // a late payment of an order past its retention: support delivers by hand
                throw new MailPreparationException("the buyer's address was erased under the retention policy");
            }
            MimeMessage message = message(order.buyerEmail(), messageId,
                    new KeyMail(order.orderNo(), product.name(order.locale()), keys,
                            links.absolute(order.orderNo()), order.locale(), product.usageNotes(order.locale()),
                            prices.of(order).text(order.locale())));
            return new Prepared(order, attemptNo, messageId, message, null);
        } catch (MailException e) {
            return new Prepared(order, attemptNo, messageId, null, e);
        }
    }

    /**
     * Hands a prepared mail to SMTP once {@code revealCommitted} confirms the keys' reveal is committed: handing the
     * message to SMTP reveals the keys whatever the server answers (a timeout in DATA may still deliver), and the
     * attempt's record may be lost after the send (a concurrent refund, a crash). A mail that could not be built fails
     * without a reveal. Records nothing; call it with no transaction open.
     */
    public Attempt send(Prepared prepared, BooleanSupplier revealCommitted) {
        try {
            if (!prepared.ready()) {
                throw prepared.unprepared();
            }
            if (!revealCommitted.getAsBoolean()) {
                throw new IllegalStateException("order " + prepared.order().orderNo() + " no longer holds its keys "
                        + "(refunded meanwhile?); not mailing them");
            }
            mail.send(prepared.message());
        } catch (MailException e) {
            Outcome outcome = MailFailures.isPermanent(e) ? Outcome.PERMANENT_FAILURE : Outcome.TRANSIENT_FAILURE;
            return new Attempt(prepared.attemptNo(), outcome, MailFailures.describe(e));
        }
        return new Attempt(prepared.attemptNo(), Outcome.SENT, null);
    }

    /** Records the attempt; a sent one makes the order DELIVERED. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Attempt record(Prepared prepared, Attempt attempt) {
        Order order = prepared.order();
        String outcome = switch (attempt.outcome()) {
            case SENT -> "SENT";
            case PERMANENT_FAILURE -> "FAILED_PERMANENT";
            case TRANSIENT_FAILURE -> "FAILED_TRANSIENT";
        };
        record(order.id(), attempt.attemptNo(), order.buyerEmail(), outcome, attempt.error(), prepared.messageId());
        if (attempt.outcome() != Outcome.SENT) {
            log.warn("order {} delivery attempt {} failed ({}): {}", order.orderNo(), attempt.attemptNo(), attempt.outcome(),
                    attempt.error());
            return attempt;
        }
        orders.transition(order.id(), OrderStatus.DELIVERED, OrderStatus.PAID, OrderStatus.AWAITING_STOCK,
                OrderStatus.MANUAL, OrderStatus.DELIVERED);
        metrics.mailed(order.paidAt());
        log.info("order {} delivered to buyer by email (attempt {})", order.orderNo(), attempt.attemptNo());
        return attempt;
    }

    /** The order's recorded sent key mail, if any. */
    public Optional<Attempt> sentAttempt(long orderId) {
        return jdbc.sql("""
                SELECT attempt_no FROM delivery_attempt WHERE order_id = ? AND channel = 'email' AND outcome = 'SENT'
                ORDER BY attempt_no DESC LIMIT 1""")
                .param(orderId).query(Integer.class).optional().map(no -> new Attempt(no, Outcome.SENT, null));
    }

    /**
     * Under the prepared attempt's number, or the next free one when that is taken: a mail taken over by a Send keys
     * task after its first node's lease passed can be recorded by both (each sent it), in either order.
     */
    private void record(long orderId, int attemptNo, String recipient, String outcome, String error, String messageId) {
        int inserted = inserts.insert("""
                INSERT INTO delivery_attempt (order_id, channel, attempt_no, recipient, outcome, error, message_id)
                VALUES (?, 'email', ?, ?, ?, ?, ?)""", "order_id, channel, attempt_no",
                orderId, attemptNo, recipient, outcome, error, messageId);
        for (int tries = 0; inserted == 0 && tries < 2; tries++) {
            inserted = inserts.insert("""
                    INSERT INTO delivery_attempt (order_id, channel, attempt_no, recipient, outcome, error, message_id)
                    SELECT ?, 'email', COALESCE(max(attempt_no), 0) + 1, ?, ?, ?, ? FROM delivery_attempt
                    WHERE order_id = ? AND channel = 'email'""", "order_id, channel, attempt_no",
                    orderId, recipient, outcome, error, messageId, orderId);
        }
        if (inserted == 0) {
            throw new IllegalStateException("delivery attempt " + attemptNo + " of order id " + orderId + " not recorded:"
                    + " its number was taken, twice");
        }
        metrics.mailAttempt(switch (outcome) {
            case "FAILED_PERMANENT" -> "permanent_failure";
            case "FAILED_TRANSIENT" -> "transient_failure";
            default -> "sent";
        });
    }

    private record LastAttempt(int attemptNo, String outcome, String recipient, String messageId) {

        /** A transient failure to the same address: SMTP may have taken the message before the connection broke. */
        boolean mayHaveArrived(String to) {
            return "FAILED_TRANSIENT".equals(outcome) && to.equals(recipient) && messageId != null;
        }
    }

    private Optional<LastAttempt> lastAttempt(long orderId) {
        return jdbc.sql("""
                SELECT attempt_no, outcome, recipient, message_id FROM delivery_attempt WHERE order_id = ?
                ORDER BY attempt_no DESC LIMIT 1""")
                .param(orderId)
                .query((rs, row) -> new LastAttempt(rs.getInt("attempt_no"), rs.getString("outcome"),
                        rs.getString("recipient"), rs.getString("message_id")))
                .optional();
    }

    private MimeMessage message(String to, String messageId, KeyMail content) {
        MimeMessage message = mail.createMimeMessage();
        try {
            MailTemplates.Rendered rendered = content.render(templates, shopName);
            MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
            helper.setFrom(properties.from());
            helper.setTo(to);
            helper.setSubject(rendered.subject());
            MailBodies.set(helper, rendered.text(), rendered.html());
            message.setHeader("Message-ID", messageId);
        } catch (TemplateEngineException e) { // a template's fault, never the keys': its message names the template
            throw new MailPreparationException("could not render the key mail (" + e.getClass().getSimpleName() + ")");
        } catch (MessagingException e) {
            throw new MailPreparationException("could not build the key mail (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")");
        }
        return message;
    }
}
