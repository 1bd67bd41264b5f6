package io.kamiflow.ordering;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the buyer pays an unpaid order with (the gateway's pay link, a QR code's URL), kept from checkout so the order
 * page shows it again on reload or on another visit while the order is unpaid. Written once, after the trade opened,
 * in its own short statement: no transaction is held across the gateway call.
 */
@Repository
public class PayDetails {

    private static final int MAX = 4000;

    private final JdbcClient jdbc;

    PayDetails(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void save(long orderId, Map<String, Object> payment) {
        String payUrl = text(payment, "payUrl");
        String codeUrl = text(payment, "codeUrl");
        if (payUrl == null && codeUrl == null) {
            return;
        }
        jdbc.sql("INSERT INTO order_pay_details (order_id, pay_url, code_url) VALUES (?, ?, ?)")
                .params(orderId, payUrl, codeUrl).update();
    }

    /** The payUrl and codeUrl the checkout answered (either may be absent); empty when none was kept. */
    public Map<String, Object> of(long orderId) {
        Map<String, Object> details = new LinkedHashMap<>();
        jdbc.sql("SELECT pay_url, code_url FROM order_pay_details WHERE order_id = ?").param(orderId).query(rs -> {
            if (rs.getString("pay_url") != null) {
                details.put("payUrl", rs.getString("pay_url"));
            }
            if (rs.getString("code_url") != null) {
                details.put("codeUrl", rs.getString("code_url"));
            }
        });
        return details;
    }

    private static String text(Map<String, Object> payment, String name) {
        return payment != null && payment.get(name) instanceof String value && !value.isEmpty() && value.length() <= MAX
                ? value : null;
    }
}
