package io.kamiflow.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kamiflow.catalog.Markdown;
import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyReveals;
import io.kamiflow.inventory.KeyVault;
import io.kamiflow.ordering.HandDeliveries;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderLinks;
import io.kamiflow.ordering.OrderPrices;
import io.kamiflow.ordering.OrderRepository;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Mails the buyer what support delivered for a hand-fulfilled order, in the order's language (text and HTML from
 * templates/mail/hand-delivery.*, with the shop's name and the product's usage notes), with the link to the order page; keys support picked from stock are in it too, with the key mail's reveal. The text is read (and its reveal recorded) in a short transaction of its own, the SMTP call
 * holds none, and the attempt is recorded by the caller's completing transaction. A failure throws: the Mail the
 * delivery task retries, then shows an incident; the buyer has the text on the order page meanwhile. A sent mail is also
 * a row of the order's timeline ({@link BuyerMails#HAND_DELIVERY}), written with the attempt.
 */
@Service
public class HandDeliveryMail {

    /** A built mail, not yet sent; never prints the text. */
    public record Prepared(long orderId, String recipient, int attemptNo, String messageId, MimeMessage message) {
        @Override
        public String toString() {
            return "hand delivery mail attempt " + attemptNo + " for order " + orderId;
        }
    }

    private final OrderRepository orders;
    private final ProductRepository products;
    private final HandDeliveries deliveries;
    private final JavaMailSender mail;
    private final DeliveryProperties properties;
    private final OrderLinks links;
    private final JdbcClient jdbc;
    private final TransactionTemplate ownTransaction;
    private final MailTemplates templates;
    private final ShopName shopName;
    private final BuyerMails buyerMails;
    private final OrderPrices prices;
    private final KeyReveals reveals;
    private final KeyVault vault;

    HandDeliveryMail(OrderRepository orders, ProductRepository products, HandDeliveries deliveries, JavaMailSender mail,
                     DeliveryProperties properties, OrderLinks links, JdbcClient jdbc, PlatformTransactionManager tx,
                     MailTemplates templates, ShopName shopName, BuyerMails buyerMails, OrderPrices prices,
                     KeyReveals reveals, KeyVault vault) {
        this.prices = prices;
        this.reveals = reveals;
        this.vault = vault;
        this.templates = templates;
        this.shopName = shopName;
        this.buyerMails = buyerMails;
        this.orders = orders;
        this.products = products;
        this.deliveries = deliveries;
        this.mail = mail;
        this.properties = properties;
        this.links = links;
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(tx);
    }

    /** Reads and builds the mail in a transaction of its own (the reveal commits before the mail can leave). */
    public Prepared prepare(long orderId) {
        return ownTransaction.execute(status -> {
            Order order = orders.getById(orderId);
            if (order.personalDataErased()) {
                throw new MailPreparationException("the buyer's address was erased under the retention policy");
            }
            Product product = products.getById(order.productId());
            // keys support picked from stock: revealed through the mail as the key mail does, before it can leave.
            // Keys first, then the text, as the order page does: in the opposite order a reload deadlocked with the mail
            List<String> keys = reveals.reveal(orderId, order.quantity(), KeyReveals.Channel.MAIL)
                    ? vault.keysSoldTo(orderId) : List.of();
            String text = deliveries.reveal(orderId).orElse(null);
            if (text == null && keys.isEmpty()) {
                throw new IllegalStateException("order " + order.orderNo() + " has no hand delivery");
            }
            int attemptNo = jdbc.sql("SELECT coalesce(max(attempt_no), 0) + 1 FROM delivery_attempt WHERE order_id = ?")
                    .param(orderId).query(Integer.class).single();
            String messageId = "<" + order.orderNo() + ".hand." + attemptNo + "@kamiflow>";
            return new Prepared(orderId, order.buyerEmail(), attemptNo, messageId,
                    message(order, product, text, keys, messageId));
        });
    }

    /** Hands the mail to SMTP; no transaction may be open. */
    public void send(Prepared prepared) {
        mail.send(prepared.message());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void recordSent(Prepared prepared) {
        jdbc.sql("""
                INSERT INTO delivery_attempt (order_id, channel, attempt_no, recipient, outcome, message_id)
                VALUES (?, 'email', ?, ?, 'SENT', ?)""")
                .params(prepared.orderId(), prepared.attemptNo(), prepared.recipient(), prepared.messageId()).update();
        buyerMails.record(prepared.orderId(), BuyerMails.HAND_DELIVERY, true);
    }

    private MimeMessage message(Order order, Product product, String text, List<String> keys, String messageId) {
        MailTemplates.Rendered rendered;
        try {
            rendered = templates.renderWithSubject("hand-delivery", "mails2.hand.subject", order.locale(),
                    shopName.name(order.locale()), variables(order, product, text, keys), order.orderNo());
        } catch (RuntimeException e) { // a template's fault: its message may quote the delivery text, so only its type
            throw new MailPreparationException("could not render the delivery mail (" + e.getClass().getSimpleName() + ")");
        }
        MimeMessage message = mail.createMimeMessage();
        try {
            MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
            helper.setFrom(properties.from());
            helper.setTo(order.buyerEmail());
            helper.setSubject(rendered.subject());
            MailBodies.set(helper, rendered.text(), rendered.html());
            message.setHeader("Message-ID", messageId);
        } catch (MessagingException e) {
            throw new MailPreparationException("could not build the delivery mail (" + e.getClass().getSimpleName() + ")");
        }
        return message;
    }

    private Map<String, Object> variables(Order order, Product product, String text, List<String> keys) {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("orderNo", order.orderNo());
        variables.put("productName", product.name(order.locale()));
        variables.put("quantity", order.quantity());
        variables.put("deliveryText", text);
        variables.put("keys", keys.stream().map(key -> new KeyMail.Key(key, KeyMail.parts(key))).toList());
        variables.put("orderLink", links.absolute(order.orderNo()));
        variables.put("price", prices.of(order).text(order.locale()));
        String notes = product.usageNotes(order.locale());
        boolean hasNotes = notes != null && !notes.isBlank();
        variables.put("notesText", hasNotes ? notes.strip() : null);
        variables.put("notesHtml", hasNotes ? Markdown.mailHtml(notes) : null);
        return variables;
    }
}
