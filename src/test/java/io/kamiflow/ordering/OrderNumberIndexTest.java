package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One index holds the order number (V38): unique, pattern-ops, so it serves the lookups by order number, the Orders
 * view's prefix search and payment's foreign key. Failed with V37's schema: two indexes, the prefix search on the
 * second.
 */
class OrderNumberIndexTest extends IntegrationTest {

    @Autowired
    TransactionTemplate transactions;

    @Test
    void oneUniqueIndexHoldsTheOrderNumber() {
        List<String> indexes = jdbc.queryForList("""
                SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'customer_order'
                  AND indexdef ~ '\\(order_no[ ,)]'""", String.class);
        assertThat(indexes).singleElement().satisfies(index -> assertThat(index)
                .startsWith("CREATE UNIQUE INDEX").contains("(order_no varchar_pattern_ops)"));
    }

    @Test
    void lookupsAndPrefixSearchesReadIt() {
        String orderNo = placedOrder();
        transactions.executeWithoutResult(tx -> {
            jdbc.execute("SET LOCAL enable_seqscan = off"); // a small table: ask which index can serve, not which is cheapest
            String lookup = plan("SELECT created_at, id FROM customer_order WHERE order_no = ?", orderNo);
            String prefix = plan("SELECT o.id FROM customer_order o WHERE o.order_no LIKE ?", orderNo.substring(0, 4) + "%");
            assertThat(lookup).as("lookup by order number").contains("uq_order_no_pattern").doesNotContain("Seq Scan");
            assertThat(prefix).as("the Orders view's prefix search").contains("uq_order_no_pattern")
                    .contains("~>=~").doesNotContain("Seq Scan");
        });
    }

    @Test
    void theOrderNumberStaysUniqueAndPaymentsNameExistingOrders() {
        String orderNo = placedOrder();
        assertThatThrownBy(() -> jdbc.update("""
                INSERT INTO customer_order (order_no, product_id, quantity, amount_minor, currency, buyer_email,
                    access_token_hash, channel, status)
                SELECT order_no, product_id, quantity, amount_minor, currency, buyer_email, access_token_hash, channel, status
                FROM customer_order WHERE order_no = ?""", orderNo)).isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> jdbc.update("""
                INSERT INTO payment (channel, trade_no, order_no, amount_minor, currency, raw_status)
                VALUES ('sandbox', 'T-NO-ORDER', 'NO-SUCH-ORDER', 100, 'CNY', 'TRADE_SUCCESS')"""))
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("payment_order_no_fkey");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order WHERE order_no = ?", Integer.class, orderNo)).isOne();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isZero();
    }

    private String placedOrder() {
        ShopClient shop = shop();
        assertThat(shop.createProduct("ONO", "1.00", "CNY", 0).status()).isEqualTo(201);
        shop.importKeys("ONO", "O1\n");
        return shop.order("ONO", 1, "buyer@ono.example", "sandbox").orderNo();
    }
}
