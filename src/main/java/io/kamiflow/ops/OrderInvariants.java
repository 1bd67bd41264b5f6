package io.kamiflow.ops;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * kamiflow's promise written down as queries, one per invariant, each naming the orders (or keys) that break it; no
 * answer anywhere means the promise holds. They read only what lives as long as the order: kamiflow's tables and
 * Camunda's runtime (a running instance, an open task), never its history, which the history cleanup removes 180 days
 * after an instance ends. Every query looks at a bounded set of orders, picked by id ({@code o.id}), so its cost does
 * not grow with the shop: a slice of the order ids ({@link #checkNext}, the nightly pass over every order), the orders
 * changed lately together with every open one ({@link #checkChangedSince}, every few minutes), or named orders
 * ({@link #checkOrders}, a recheck of what a pass found). Every integration test ends with {@link #check}.
 * <p>
 * One part of the promise is kept by the database itself, so no query looks for it: a revealed key is never on sale
 * (V5, {@code ck_card_key_revealed_not_on_sale}); the reveal log's check below sees a key whose mark was removed.
 */
@Component
public class OrderInvariants {

    /** One broken invariant: up to 50 subjects (orders, keys or payments) named, and the ids of their orders. */
    public record Violation(String invariant, List<String> subjects, List<Long> orderIds) {
        @Override
        public String toString() {
            return invariant + ": " + String.join(", ", subjects);
        }
    }

    /** What a part of the pass over every order found, the last order id it covered, and whether it reached the end. */
    public record Slice(List<Violation> violations, long lastOrderId, boolean done) {
    }

    private record Check(String invariant, String sql) {
    }

    private record Finding(long orderId, String subject) {
    }

    static final int MAX_SUBJECTS = 50;
    /**
     * Orders per statement: few enough that every check stays index probes per order (nested loops); at 2,000 the
     * planner already reads all of key_reveal in a 1,000,000-order shop (docs/big-shop-plans.md).
     */
    static final int ORDERS_PER_STATEMENT = 1_000;
    private static final int IDS_PER_STATEMENT = 1_000;

    /** Where a check names its orders: replaced by the id condition of the part being checked. */
    private static final String ORDERS = "{orders}";

    private static final List<Check> CHECKS = List.of(
            new Check("a key revealed to an order is back on sale or on another order", """
                    SELECT o.id, 'order ' || o.order_no || ' key ' || k.id FROM customer_order o
                    JOIN key_reveal r ON r.order_id = o.id JOIN card_key k ON k.id = r.key_id
                    WHERE {orders} AND (k.order_id IS NULL OR k.order_id <> r.order_id OR k.status NOT IN ('SOLD', 'VOID'))"""),
            new Check("an order holds more keys than it bought", """
                    SELECT o.id, o.order_no FROM customer_order o JOIN card_key k ON k.order_id = o.id
                    WHERE {orders} GROUP BY o.id, o.order_no, o.quantity HAVING count(*) > o.quantity"""),
            new Check("a refunded order still holds keys", """
                    SELECT o.id, o.order_no FROM customer_order o WHERE {orders} AND o.status = 'REFUNDED'
                    AND EXISTS (SELECT 1 FROM card_key k WHERE k.order_id = o.id AND k.status IN ('SOLD', 'RESERVED'))"""),
            new Check("a sold key belongs to an order that is not paid", """
                    SELECT o.id, o.order_no FROM customer_order o
                    WHERE {orders} AND o.status NOT IN ('PAID', 'AWAITING_STOCK', 'MANUAL', 'DELIVERED', 'REFUNDED')
                    AND EXISTS (SELECT 1 FROM card_key k WHERE k.order_id = o.id AND k.status = 'SOLD')"""),
            new Check("a delivered order's keys were not all revealed", """
                    SELECT o.id, o.order_no FROM customer_order o WHERE {orders} AND o.status = 'DELIVERED' AND o.quantity <> (
                        SELECT count(*) FROM card_key k WHERE k.order_id = o.id AND k.status = 'SOLD' AND k.revealed_at IS NOT NULL)
                    AND NOT EXISTS (SELECT 1 FROM hand_delivery h WHERE h.order_id = o.id)"""),
            new Check("a hand-fulfilled paid order has neither a running instance nor a delivery", """
                    SELECT o.id, o.order_no FROM customer_order o JOIN product p ON p.id = o.product_id
                    WHERE {orders} AND p.kind = 'BY_HAND' AND o.status IN ('PAID', 'AWAITING_STOCK', 'MANUAL', 'DELIVERED')
                    AND NOT EXISTS (SELECT 1 FROM hand_delivery h WHERE h.order_id = o.id)
                    AND o.quantity <> (SELECT count(*) FROM card_key k WHERE k.order_id = o.id AND k.status = 'SOLD')
                    AND NOT EXISTS (SELECT 1 FROM act_ru_execution e JOIN act_re_procdef d ON d.id_ = e.proc_def_id_
                                    WHERE e.id_ = e.proc_inst_id_ AND e.business_key_ = o.order_no
                                      AND d.key_ = 'order-fulfillment')"""),
            new Check("an order holds a key of another product", """
                    SELECT o.id, 'order ' || o.order_no || ' key ' || k.id FROM customer_order o
                    JOIN card_key k ON k.order_id = o.id WHERE {orders} AND k.product_id <> o.product_id"""),
            new Check("a payment has no process instance", """
                    SELECT o.id, p.order_no || ' payment ' || p.id FROM customer_order o JOIN payment p ON p.order_no = o.order_no
                    WHERE {orders} AND p.process_instance_id IS NULL"""),
            new Check("a payment neither paid its order nor was refunded, and no process works on it", """
                    SELECT o.id, p.order_no || ' payment ' || p.id FROM customer_order o JOIN payment p ON p.order_no = o.order_no
                    WHERE {orders} AND (o.payment_id IS NULL OR o.payment_id <> p.id) AND p.refunded_at IS NULL
                      AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.id_ = p.process_instance_id)"""),
            new Check("two payments share one process instance", """
                    SELECT o.id, o.order_no FROM customer_order o JOIN payment p ON p.order_no = o.order_no
                    WHERE {orders} AND p.process_instance_id IS NOT NULL
                    GROUP BY o.id, o.order_no, p.process_instance_id HAVING count(*) > 1"""),
            new Check("a paid order has no running order-fulfillment instance and no queued key mail", """
                    SELECT o.id, o.order_no FROM customer_order o WHERE {orders} AND o.status IN ('PAID', 'AWAITING_STOCK', 'MANUAL')
                    AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
                    AND NOT EXISTS (SELECT 1 FROM act_ru_execution e JOIN act_re_procdef d ON d.id_ = e.proc_def_id_
                                    WHERE e.id_ = e.proc_inst_id_ AND e.business_key_ = o.order_no
                                      AND d.key_ = 'order-fulfillment')"""),
            new Check("a refund decided and not returned has no process carrying it", """
                    SELECT o.id, p.order_no || ' payment ' || p.id FROM customer_order o JOIN payment p ON p.order_no = o.order_no
                    WHERE {orders} AND p.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING')
                      AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.id_ = e.proc_inst_id_
                                      AND e.business_key_ = p.order_no)"""),
            new Check("more 'Return the money by hand' tasks are open than refunds wait for support", """
                    SELECT o.id, o.order_no FROM act_ru_task t JOIN act_ru_execution e ON e.id_ = t.proc_inst_id_
                    JOIN customer_order o ON o.order_no = e.business_key_
                    WHERE {orders} AND t.task_def_key_ = 'ReturnMoneyByHand' GROUP BY o.id, o.order_no
                    HAVING count(*) > (SELECT count(*) FROM payment p
                                       WHERE p.order_no = o.order_no AND p.refund_status = 'MANUAL_PENDING')"""),
            // coupons (V24): a use is taken under the coupon's row lock, and only while uses are left
            new Check("a coupon is used more often than its limit", """
                    SELECT o.id, 'coupon ' || c.code || ' order ' || o.order_no FROM customer_order o
                    JOIN coupon_redemption r ON r.order_id = o.id JOIN coupon c ON c.id = r.coupon_id
                    WHERE {orders} AND r.released_at IS NULL AND c.max_uses IS NOT NULL
                      AND (SELECT count(*) FROM coupon_redemption u
                           WHERE u.coupon_id = c.id AND u.released_at IS NULL) > c.max_uses"""),
            new Check("an expired or cancelled order still holds a coupon use", """
                    SELECT o.id, o.order_no FROM customer_order o JOIN coupon_redemption r ON r.order_id = o.id
                    WHERE {orders} AND o.status IN ('EXPIRED', 'CANCELLED') AND r.released_at IS NULL"""),
            new Check("an order's amount is not its price less its coupon's discount", """
                    SELECT o.id, o.order_no FROM customer_order o JOIN coupon_redemption r ON r.order_id = o.id
                    WHERE {orders} AND (o.amount_minor <> r.list_minor - r.discount_minor OR o.currency <> r.currency)"""));

    /**
     * Orders whose promise may have changed lately (their row changed, or a payment came for them), every open one and
     * every one with a refund still open (decided and not returned, or a task to return it by hand): an instance
     * deleted by hand leaves no trace in the order's row, and open orders and refunds are few. On PostgreSQL the
     * changed orders come from "Forget personal data"'s indexes of orders still holding personal data, one for those
     * with a client address (V16_1), one for those without (V36), hence the two parts: an order changed in the last
     * hour has not been erased, and no other index on updated_at is written with every status change. (An erased order
     * that changes again is left to the nightly pass.)
     */
    private static final String CHANGED_OR_OPEN = """
            SELECT id FROM customer_order WHERE updated_at >= :since AND personal_data_erased_at IS NULL
                   AND client_address IS NOT NULL
            UNION SELECT id FROM customer_order WHERE updated_at >= :since AND personal_data_erased_at IS NULL
                  AND client_address IS NULL
            UNION SELECT o.id FROM payment p JOIN customer_order o ON o.order_no = p.order_no WHERE p.received_at >= :since
            UNION SELECT id FROM customer_order WHERE status IN ('PAID', 'AWAITING_STOCK', 'MANUAL')
            UNION SELECT o.id FROM payment p JOIN customer_order o ON o.order_no = p.order_no
                  WHERE p.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING')
            UNION SELECT o.id FROM act_ru_task t JOIN act_ru_execution e ON e.id_ = t.proc_inst_id_
                  JOIN customer_order o ON o.order_no = e.business_key_ WHERE t.task_def_key_ = 'ReturnMoneyByHand'""";

    private final JdbcClient jdbc;

    OrderInvariants(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every order, part by part: what every integration test ends with (and the drills). */
    public List<Violation> check() {
        Findings findings = new Findings();
        long after = 0;
        for (Long last = lastOfNext(after, ORDERS_PER_STATEMENT); last != null; last = lastOfNext(after, ORDERS_PER_STATEMENT)) {
            checkRange(after, last, findings);
            after = last;
        }
        return findings.violations();
    }

    /**
     * The next orders by id after {@code afterOrderId}, at most {@code orders} (and one statement's worth), for the
     * nightly pass that walks every order in short jobs.
     */
    public Slice checkNext(long afterOrderId, int orders) {
        Long last = lastOfNext(afterOrderId, Math.min(orders, ORDERS_PER_STATEMENT));
        if (last == null) {
            return new Slice(List.of(), afterOrderId, true);
        }
        Findings findings = new Findings();
        checkRange(afterOrderId, last, findings);
        return new Slice(findings.violations(), last, lastOfNext(last, 1) == null);
    }

    private Long lastOfNext(long afterOrderId, int orders) {
        return jdbc.sql("SELECT max(id) FROM (SELECT id FROM customer_order WHERE id > ? ORDER BY id LIMIT ?) s")
                .params(afterOrderId, orders).query(Long.class).optional().orElse(null);
    }

    private void checkRange(long afterOrderId, long lastOrderId, Findings findings) {
        for (Check check : CHECKS) {
            findings.add(check, jdbc.sql(check.sql().replace(ORDERS, "o.id > :after AND o.id <= :last"))
                    .param("after", afterOrderId).param("last", lastOrderId).query(OrderInvariants::finding).list());
        }
    }

    /** Orders changed or paid since {@code since}, and every open order (paid, parked, with support). */
    public List<Violation> checkChangedSince(Instant since) {
        return checkOrders(jdbc.sql(CHANGED_OR_OPEN).param("since", Timestamp.from(since)).query(Long.class).list());
    }

    /** The named orders: a recheck of what a pass found broken, passing once they are settled. */
    public List<Violation> checkOrders(Collection<Long> orderIds) {
        List<Long> ids = new ArrayList<>(new LinkedHashSet<>(orderIds));
        Findings findings = new Findings();
        for (int from = 0; from < ids.size(); from += IDS_PER_STATEMENT) {
            List<Long> part = ids.subList(from, Math.min(ids.size(), from + IDS_PER_STATEMENT));
            for (Check check : CHECKS) {
                findings.add(check, jdbc.sql(check.sql().replace(ORDERS, "o.id IN (:ids)")).param("ids", part)
                        .query(OrderInvariants::finding).list());
            }
        }
        return findings.violations();
    }

    private static Finding finding(ResultSet rs, int row) throws SQLException {
        return new Finding(rs.getLong(1), rs.getString(2));
    }

    /** Findings of several statements merged per invariant, in the order of {@link #CHECKS}. */
    private static final class Findings {

        private final Map<String, Map<String, Long>> found = new LinkedHashMap<>(); // invariant -> subject -> order id

        void add(Check check, List<Finding> findings) {
            for (Finding finding : findings) {
                Map<String, Long> named = found.computeIfAbsent(check.invariant(), k -> new LinkedHashMap<>());
                if (named.size() < MAX_SUBJECTS) {
                    named.putIfAbsent(finding.subject(), finding.orderId());
                }
            }
        }

        List<Violation> violations() {
            List<Violation> violations = new ArrayList<>();
            for (Check check : CHECKS) {
                Map<String, Long> named = found.get(check.invariant());
                if (named != null) {
                    violations.add(new Violation(check.invariant(), List.copyOf(named.keySet()),
                            List.copyOf(new LinkedHashSet<>(named.values()))));
                }
            }
            return violations;
        }
    }
}
