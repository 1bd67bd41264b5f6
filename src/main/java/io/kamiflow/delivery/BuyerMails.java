package io.kamiflow.delivery;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which mails besides the key mail an order's buyer got (buyer_mail), for the order's timeline: written after the
 * SMTP server answered, never in a transaction held across the send. No address, no error text.
 */
@Component
public class BuyerMails {

    /** The find-order mail with the order's link. */
    public static final String ORDER_LINK = "ORDER_LINK";
    /** The mail with what support delivered for a hand-fulfilled order (recorded with its delivery attempt). */
    public static final String HAND_DELIVERY = "HAND_DELIVERY";

    private final JdbcClient jdbc;

    BuyerMails(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(long orderId, String kind, boolean sent) {
        jdbc.sql("INSERT INTO buyer_mail (order_id, kind, outcome) VALUES (?, ?, ?)")
                .params(orderId, kind, sent ? "SENT" : "FAILED").update();
    }
}
