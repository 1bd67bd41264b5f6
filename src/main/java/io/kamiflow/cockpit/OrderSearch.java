package io.kamiflow.cockpit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.kamiflow.catalog.Money;
import io.kamiflow.ordering.OrderStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A page of orders for the plugin's list, newest first, read from the domain tables. Keyset pages, no count: each page
 * is one index range (created_at, id) read for {@code size + 1} rows, whatever the page and however big the shop; the
 * extra row only says whether there is a next page ({@code next}: the last order number, the next page's
 * {@code after}). Measured on a shop of 1,000,000 orders in docs/big-shop-plans.md.
 */
@Component
public class OrderSearch {

    /** At most this many rows per query when an export walks the orders page by page. */
    private static final int EXPORT_PAGE = 500;

    /**
     * @param openTasks     support tasks of the order waiting for a person
     * @param openIncidents incidents of its running processes (a step that failed after its retries)
     */
    public record Row(String orderNo, String status, String sku, int quantity, String amount, String currency, String channel,
               String email, String createdAt, String paidAt, String deliveredAt, int openTasks, int openIncidents) {

        /** An order someone has to look at: a task waits for support or a process is stuck. */
        public boolean needsAttention() {
            return openTasks > 0 || openIncidents > 0;
        }
    }

    public record Page(int size, List<Row> orders, String next) {
    }

    /**
     * An order's columns with its open tasks and incidents, counted from the engine's runtime tables through the
     * process instances that carry its number (indexed: business key, the task's and incident's instance).
     */
    static final String COLUMNS = "o.*, p.sku,"
            + " (SELECT count(*) FROM act_ru_task t JOIN act_ru_execution e ON e.id_ = t.proc_inst_id_"
            + " WHERE e.business_key_ = o.order_no AND e.id_ = e.proc_inst_id_) AS open_tasks,"
            + " (SELECT count(*) FROM act_ru_incident i JOIN act_ru_execution e ON e.id_ = i.proc_inst_id_"
            + " WHERE e.business_key_ = o.order_no AND e.id_ = e.proc_inst_id_) AS open_incidents";
    /** Orders with an open task or incident: few at any time, so the search starts from them, not from every order. */
    private static final String NEEDS_ATTENTION = " AND o.order_no IN (SELECT e.business_key_ FROM act_ru_execution e"
            + " WHERE e.business_key_ IS NOT NULL AND e.id_ IN (SELECT proc_inst_id_ FROM act_ru_task"
            + " UNION SELECT proc_inst_id_ FROM act_ru_incident))";
    private static final String FROM = " FROM customer_order o JOIN product p ON p.id = o.product_id WHERE 1 = 1";
    private static final String NEWEST_FIRST = " ORDER BY o.created_at DESC, o.id DESC LIMIT ?";

    private final JdbcTemplate jdbc;

    OrderSearch(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Page search(OrderFilter filter) {
        Object[] position = filter.after() == null ? null : position(filter.after());
        List<Row> rows = query(filter, position, filter.size() + 1);
        boolean more = rows.size() > filter.size();
        List<Row> page = more ? rows.subList(0, filter.size()) : rows;
        return new Page(filter.size(), List.copyOf(page), more ? page.get(page.size() - 1).orderNo() : null);
    }

    /**
     * Every order the filter finds (its {@code after} and {@code size} aside), newest first, at most {@code max}, read
     * in keyset pages so memory stays flat however many there are.
     *
     * @return how many rows were handed to {@code each}
     */
    public int each(OrderFilter filter, int max, java.util.function.Consumer<Row> each) {
        int done = 0;
        Object[] position = null;
        while (done < max) {
            int limit = Math.min(EXPORT_PAGE, max - done);
            List<Row> rows = query(filter, position, limit);
            rows.forEach(each);
            done += rows.size();
            if (rows.size() < limit) {
                break;
            }
            position = position(rows.get(rows.size() - 1).orderNo());
        }
        return done;
    }

    private Object[] position(String orderNo) {
        List<Object[]> position = jdbc.query("SELECT created_at, id FROM customer_order WHERE order_no = ?",
                (rs, n) -> new Object[] {rs.getTimestamp(1), rs.getLong(2)}, orderNo);
        if (position.isEmpty()) {
            throw new InvalidQuery("after: no order " + orderNo);
        }
        return position.get(0);
    }

    private List<Row> query(OrderFilter filter, Object[] position, int limit) {
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
            // a literal, so every plan sees which status: open ones are read from a partial index (V14_1); it is
            // one of OrderStatus's names (OrderFilter checked it)
            where.append(" AND o.status = '").append(OrderStatus.valueOf(filter.status()).name()).append('\'');
        }
        if (filter.sku() != null) {
            where.append(" AND p.sku = ?");
            args.add(filter.sku());
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
        if (filter.needsAttention()) {
            where.append(NEEDS_ATTENTION);
        }
        if (position != null) {
            where.append(" AND (o.created_at, o.id) < (?, ?)"); // one index range, unlike created_at < ? OR (... AND id < ?)
            args.add(position[0]);
            args.add(position[1]);
        }
        args.add(limit);
        return jdbc.query("SELECT " + COLUMNS + FROM + where + NEWEST_FIRST, (rs, n) -> row(rs), args.toArray());
    }

    static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("order_no"), rs.getString("status"), rs.getString("sku"), rs.getInt("quantity"),
                new Money(rs.getLong("amount_minor"), rs.getString("currency")).amount(), rs.getString("currency"),
                rs.getString("channel"), rs.getString("buyer_email"), Times.text(rs, "created_at"),
                Times.text(rs, "paid_at"), Times.text(rs, "delivered_at"), rs.getInt("open_tasks"), rs.getInt("open_incidents"));
    }
}
