package io.kamiflow.cockpit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.kamiflow.catalog.Money;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** A page of orders for the plugin's list, newest first, read from the domain tables. */
@Component
class OrderSearch {

    record Row(String orderNo, String status, String sku, int quantity, String amount, String currency, String channel,
               String email, String createdAt, String paidAt, String deliveredAt) {
    }

    record Page(int page, int size, long total, List<Row> orders) {
    }

    private static final String FROM = " FROM customer_order o JOIN product p ON p.id = o.product_id WHERE 1 = 1";

    private final JdbcTemplate jdbc;

    OrderSearch(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Page search(OrderFilter filter) {
        StringBuilder where = new StringBuilder();
        List<Object> args = new ArrayList<>();
        if (filter.orderNoPrefix() != null) {
            // the filter allows no LIKE wildcards in an order number, so the prefix needs no escaping
            where.append(" AND o.order_no LIKE ?");
            args.add(filter.orderNoPrefix().toUpperCase(Locale.ROOT) + "%");
        }
        if (filter.email() != null) {
            where.append(" AND lower(o.buyer_email) = ?");
            args.add(filter.email().toLowerCase(Locale.ROOT));
        }
        if (filter.status() != null) {
            where.append(" AND o.status = ?");
            args.add(filter.status());
        }
        if (filter.channel() != null) {
            where.append(" AND o.channel = ?");
            args.add(filter.channel());
        }
        if (filter.from() != null) {
            where.append(" AND o.created_at >= ?");
            args.add(Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            where.append(" AND o.created_at < ?");
            args.add(Timestamp.from(filter.to()));
        }
        long total = jdbc.queryForObject("SELECT count(*)" + FROM + where, Long.class, args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(filter.size());
        pageArgs.add((long) filter.page() * filter.size());
        List<Row> rows = jdbc.query("SELECT o.*, p.sku" + FROM + where + " ORDER BY o.created_at DESC, o.id DESC LIMIT ? OFFSET ?",
                (rs, n) -> row(rs), pageArgs.toArray());
        return new Page(filter.page(), filter.size(), total, rows);
    }

    static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("order_no"), rs.getString("status"), rs.getString("sku"), rs.getInt("quantity"),
                new Money(rs.getLong("amount_minor"), rs.getString("currency")).amount(), rs.getString("currency"),
                rs.getString("channel"), rs.getString("buyer_email"), Times.text(rs, "created_at"),
                Times.text(rs, "paid_at"), Times.text(rs, "delivered_at"));
    }
}
