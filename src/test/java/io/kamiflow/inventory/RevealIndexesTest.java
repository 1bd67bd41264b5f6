package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * V39: a reveal is one index entry (the primary key order_id, key_id, channel) and a payment without a refund request
 * none in the refund request's index, with the guarantees the dropped indexes gave. Failed with V38's schema: three
 * indexes on key_reveal, a unique index on every payment's NULL refund request id.
 */
class RevealIndexesTest extends IntegrationTest {

    @Autowired
    TransactionTemplate transactions;

    @Test
    void aRevealIsOneIndexEntryThatServesEveryRead() {
        assertThat(indexes("key_reveal")).singleElement().satisfies(index -> assertThat(index)
                .startsWith("CREATE UNIQUE INDEX pk_key_reveal").endsWith("(order_id, key_id, channel)"));
        long orderId = deliveredOrder();
        // both keys of the order marked and logged (on PostgreSQL by one statement: KeyReveals' first reveal)
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE order_id = ? AND revealed_at IS NOT NULL",
                Integer.class, orderId)).isEqualTo(2);
        assertThat(jdbc.queryForList("SELECT channel FROM key_reveal WHERE order_id = ?", String.class, orderId))
                .containsExactly("MAIL", "MAIL");
        transactions.executeWithoutResult(tx -> {
            jdbc.execute("SET LOCAL enable_seqscan = off"); // a small table: ask which index can serve, not which is cheapest
            assertThat(plan("SELECT count(*) FROM key_reveal WHERE order_id = ? AND channel = 'MAIL'", orderId))
                    .as("a channel's reveals of an order").contains("pk_key_reveal");
            assertThat(plan("""
                    SELECT id FROM card_key WHERE order_id = ? AND EXISTS (SELECT 1 FROM key_reveal r
                        WHERE r.key_id = card_key.id AND r.order_id = card_key.order_id AND r.channel = 'MAIL')""", orderId))
                    .as("whether a key's reveal is recorded").contains("pk_key_reveal");
        });
    }

    @Test
    void aKeyIsRecordedOncePerOrderAndChannel() {
        long orderId = deliveredOrder();
        long keyId = jdbc.queryForObject("SELECT min(key_id) FROM key_reveal WHERE order_id = ?", Long.class, orderId);
        // the statement every node writes (KeyReveals), old nodes in a roll included: the primary key is its arbiter
        assertThat(jdbc.update("INSERT INTO key_reveal (key_id, order_id, channel) VALUES (?, ?, 'MAIL') "
                + "ON CONFLICT (key_id, order_id, channel) DO NOTHING", keyId, orderId)).isZero();
        assertThatThrownBy(() -> jdbc.update("INSERT INTO key_reveal (key_id, order_id, channel) VALUES (?, ?, 'MAIL')",
                keyId, orderId)).isInstanceOf(DuplicateKeyException.class);
        assertThat(jdbc.update("INSERT INTO key_reveal (key_id, order_id, channel) VALUES (?, ?, 'PAGE') "
                + "ON CONFLICT (key_id, order_id, channel) DO NOTHING", keyId, orderId)).isOne();
        assertThat(jdbc.queryForList("SELECT channel FROM key_reveal WHERE order_id = ? AND key_id = ? ORDER BY channel",
                String.class, orderId, keyId)).containsExactly("MAIL", "PAGE");
        assertThat(jdbc.queryForList("SELECT id FROM key_reveal", Long.class)).doesNotContainNull().doesNotHaveDuplicates();
    }

    @Test
    void aRefundRequestIdStaysUniqueAndOnlySetOnesAreIndexed() {
        assertThat(indexes("payment")).filteredOn(index -> index.contains("(refund_request_id)")).singleElement()
                .satisfies(index -> assertThat(index).startsWith("CREATE UNIQUE INDEX uq_payment_refund_request")
                        .endsWith("WHERE (refund_request_id IS NOT NULL)"));
        long first = paidOrderPayment("RIX1");
        long second = paidOrderPayment("RIX2");
        jdbc.update("UPDATE payment SET refund_status = 'REQUESTED', refund_request_id = 'KF-REFUND-X' WHERE id = ?", first);
        assertThatThrownBy(() -> jdbc.update(
                "UPDATE payment SET refund_status = 'REQUESTED', refund_request_id = 'KF-REFUND-X' WHERE id = ?", second))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(jdbc.queryForObject("SELECT refund_request_id FROM payment WHERE id = ?", String.class, second)).isNull();
        // put back as it was: the invariants after the test see an untouched paid order
        jdbc.update("UPDATE payment SET refund_status = NULL, refund_request_id = NULL WHERE id = ?", first);
    }

    private long deliveredOrder() {
        String orderNo = paidOrder("RIX", 2);
        awaitDelivered(orderNo);
        return jdbc.queryForObject("SELECT id FROM customer_order WHERE order_no = ?", Long.class, orderNo);
    }

    private long paidOrderPayment(String sku) {
        String orderNo = paidOrder(sku, 1);
        awaitDelivered(orderNo);
        return jdbc.queryForObject("SELECT id FROM payment WHERE order_no = ?", Long.class, orderNo);
    }

    private String paidOrder(String sku, int quantity) {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, sku, "1.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, sku, quantity, "buyer@" + sku.toLowerCase() + ".example");
        assertThat(Shop.pay(shop, order, "T-" + order.orderNo()).status()).isEqualTo(200);
        return order.orderNo();
    }

    private List<String> indexes(String table) {
        return jdbc.queryForList("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?",
                String.class, table);
    }
}
