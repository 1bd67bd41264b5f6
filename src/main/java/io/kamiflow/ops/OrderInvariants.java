package io.kamiflow.ops;

import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * kamiflow's promise written down as queries over the domain and engine tables. Each query returns the
 * order numbers (or keys) that break it; an empty answer everywhere means the promise holds. Every
 * integration test ends with this check, and the "Reconcile orders" process runs it in production.
 */
@Component
public class OrderInvariants {

    public record Violation(String invariant, List<String> subjects) {
        @Override
        public String toString() {
            return invariant + ": " + String.join(", ", subjects);
        }
    }

    private record Check(String invariant, String sql) {
    }

    private static final int MAX_SUBJECTS = 50;

    private static final List<Check> CHECKS = List.of(
            new Check("a key revealed to an order is back on sale or on another order", """
                    SELECT DISTINCT 'order ' || o.order_no || ' key ' || k.id FROM key_reveal r
                    JOIN card_key k ON k.id = r.key_id JOIN customer_order o ON o.id = r.order_id
                    WHERE k.order_id IS NULL OR k.order_id <> r.order_id OR k.status NOT IN ('SOLD', 'VOID')"""),
            new Check("a revealed key is on sale", """
                    SELECT 'key ' || id FROM card_key WHERE revealed_at IS NOT NULL AND status IN ('AVAILABLE', 'RESERVED')"""),
            new Check("an order holds more keys than it bought", """
                    SELECT o.order_no FROM customer_order o JOIN card_key k ON k.order_id = o.id
                    GROUP BY o.id, o.order_no, o.quantity HAVING count(*) > o.quantity"""),
            new Check("a refunded order still holds keys", """
                    SELECT DISTINCT o.order_no FROM customer_order o JOIN card_key k ON k.order_id = o.id
                    WHERE o.status = 'REFUNDED' AND k.status IN ('SOLD', 'RESERVED')"""),
            new Check("a sold key belongs to an order that is not paid", """
                    SELECT DISTINCT o.order_no FROM customer_order o JOIN card_key k ON k.order_id = o.id
                    WHERE k.status = 'SOLD' AND o.status NOT IN ('PAID', 'AWAITING_STOCK', 'MANUAL', 'DELIVERED', 'REFUNDED')"""),
            new Check("a delivered order's keys were not all revealed", """
                    SELECT o.order_no FROM customer_order o WHERE o.status = 'DELIVERED' AND o.quantity <> (
                        SELECT count(*) FROM card_key k WHERE k.order_id = o.id AND k.status = 'SOLD' AND k.revealed_at IS NOT NULL)"""),
            new Check("a payment has no process instance", """
                    SELECT p.order_no || ' payment ' || p.id FROM payment p
                    WHERE p.process_instance_id IS NULL
                       OR (NOT EXISTS (SELECT 1 FROM act_hi_procinst h WHERE h.proc_inst_id_ = p.process_instance_id)
                           AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.id_ = p.process_instance_id))"""),
            new Check("a payment neither paid its order nor was refunded, and no process works on it", """
                    SELECT p.order_no || ' payment ' || p.id FROM payment p JOIN customer_order o ON o.order_no = p.order_no
                    WHERE (o.payment_id IS NULL OR o.payment_id <> p.id) AND p.refunded_at IS NULL
                      AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.id_ = p.process_instance_id)"""),
            new Check("two payments share one process instance", """
                    SELECT min(p.order_no) FROM payment p WHERE p.process_instance_id IS NOT NULL
                    GROUP BY p.process_instance_id HAVING count(*) > 1"""),
            new Check("a paid order has no running order-fulfillment instance and no queued key mail", """
                    SELECT o.order_no FROM customer_order o WHERE o.status IN ('PAID', 'AWAITING_STOCK', 'MANUAL')
                    AND NOT EXISTS (SELECT 1 FROM key_mail_queue q WHERE q.order_id = o.id)
                    AND NOT EXISTS (SELECT 1 FROM act_ru_execution e JOIN act_re_procdef d ON d.id_ = e.proc_def_id_
                                    WHERE e.id_ = e.proc_inst_id_ AND e.business_key_ = o.order_no
                                      AND d.key_ = 'order-fulfillment')"""),
            new Check("a refund decided and not returned has no process carrying it", """
                    SELECT p.order_no || ' payment ' || p.id FROM payment p
                    WHERE p.refund_status IN ('REQUESTED', 'PROCESSING', 'MANUAL_PENDING')
                      AND NOT EXISTS (SELECT 1 FROM act_ru_execution e WHERE e.id_ = e.proc_inst_id_
                                      AND e.business_key_ = p.order_no)"""),
            new Check("more 'Return the money by hand' tasks are open than refunds wait for support", """
                    SELECT e.business_key_ FROM act_ru_task t JOIN act_ru_execution e ON e.id_ = t.proc_inst_id_
                    WHERE t.task_def_key_ = 'ReturnMoneyByHand' GROUP BY e.business_key_
                    HAVING count(*) > (SELECT count(*) FROM payment p
                                       WHERE p.order_no = e.business_key_ AND p.refund_status = 'MANUAL_PENDING')"""));

    private final JdbcClient jdbc;

    OrderInvariants(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @return every broken invariant with (up to 50 of) the orders or keys that break it; empty when all hold */
    @Transactional(readOnly = true)
    public List<Violation> check() {
        List<Violation> violations = new ArrayList<>();
        for (Check check : CHECKS) {
            List<String> subjects = jdbc.sql(check.sql()).query(String.class).list();
            if (!subjects.isEmpty()) {
                violations.add(new Violation(check.invariant(), subjects.subList(0, Math.min(subjects.size(), MAX_SUBJECTS))));
            }
        }
        return violations;
    }
}
