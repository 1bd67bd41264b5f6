package io.kamiflow.delivery;

import io.kamiflow.catalog.Product;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.ordering.HandDeliveries;
import io.kamiflow.ordering.Order;
import io.kamiflow.ordering.OrderLinks;
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
import org.springframework.web.util.HtmlUtils;

/**
 * Mails the buyer what support delivered for a hand-fulfilled order, in the order's language (text and HTML), with the
 * link to the order page. The text is read (and its reveal recorded) in a short transaction of its own, the SMTP call
 * holds none, and the attempt is recorded by the caller's completing transaction. A failure throws: the Mail the
 * delivery task retries, then shows an incident; the buyer has the text on the order page meanwhile.
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

    HandDeliveryMail(OrderRepository orders, ProductRepository products, HandDeliveries deliveries, JavaMailSender mail,
                     DeliveryProperties properties, OrderLinks links, JdbcClient jdbc, PlatformTransactionManager tx) {
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
            String text = deliveries.reveal(orderId)
                    .orElseThrow(() -> new IllegalStateException("order " + order.orderNo() + " has no hand delivery"));
            int attemptNo = jdbc.sql("SELECT coalesce(max(attempt_no), 0) + 1 FROM delivery_attempt WHERE order_id = ?")
                    .param(orderId).query(Integer.class).single();
            String messageId = "<" + order.orderNo() + ".hand." + attemptNo + "@kamiflow>";
            return new Prepared(orderId, order.buyerEmail(), attemptNo, messageId,
                    message(order, product.name(order.locale()), text, messageId));
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
    }

    private MimeMessage message(Order order, String productName, String text, String messageId) {
        boolean zh = "zh".equals(order.locale().getLanguage());
        String link = links.absolute(order.orderNo());
        String subject = "[" + properties.shopName() + "] " + (zh ? "订单 " + order.orderNo() + " 已发货"
                : "Your order " + order.orderNo() + " is fulfilled");
        String intro = zh ? "您的订单 " + order.orderNo() + "（" + productName + " × " + order.quantity() + "）已由客服处理完成："
                : "Your order " + order.orderNo() + " (" + productName + " x " + order.quantity() + ") was fulfilled:";
        String linkLine = zh ? "您的订单页（此链接即您的访问凭证，请勿分享）：" : "Your order page (the link is your access, do not share it):";
        MimeMessage message = mail.createMimeMessage();
        try {
            MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
            helper.setFrom(properties.from());
            helper.setTo(order.buyerEmail());
            helper.setSubject(subject);
            helper.setText(intro + "\n\n" + text + "\n\n" + linkLine + "\n" + link + "\n",
                    "<html><body><p>" + HtmlUtils.htmlEscape(intro) + "</p><pre>" + HtmlUtils.htmlEscape(text)
                            + "</pre><p>" + HtmlUtils.htmlEscape(linkLine) + " <a href=\"" + HtmlUtils.htmlEscape(link)
                            + "\">" + HtmlUtils.htmlEscape(link) + "</a></p></body></html>");
            message.setHeader("Message-ID", messageId);
        } catch (MessagingException e) {
            throw new MailPreparationException("could not build the delivery mail (" + e.getClass().getSimpleName() + ")");
        }
        return message;
    }
}
