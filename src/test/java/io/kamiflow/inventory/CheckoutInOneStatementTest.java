package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;

import javax.sql.DataSource;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * On PostgreSQL a checkout counts the keys on sale, inserts the order and reserves its keys in one statement
 * ({@link KeyClaimer#insertAndReserve}). What must hold between its parts: a short count writes nothing (no order row,
 * no identity value spent), and keys counted but held by another transaction when the statement locks them make the
 * checkout a 409 that leaves no order behind.
 */
class CheckoutInOneStatementTest extends IntegrationTest {

    @Autowired
    DataSource dataSource;

    @Test
    void aSoldOutProductIsRefusedWithoutInsertingAnOrder() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "ONE", "1.00", 2);
        Shop.order(shop, "ONE", 2, "first@one.example");
        long next = nextOrderId();

        ShopClient.Response refused = shop.createOrder("ONE", 1, "late@one.example", "sandbox");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("sold out");
        ShopClient.Response tooMany = shop.createOrder("ONE", 3, "many@one.example", "sandbox");
        assertThat(tooMany.status()).isEqualTo(409);

        // the insert never ran: the order table holds the one order, and no identity value was spent on the refusals
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(1);
        assertThat(nextOrderId()).isEqualTo(next);
    }

    @Test
    void keysCountedButHeldElsewhereWhenLockedLeaveNoOrderBehind() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "HELD", "1.00", 3);
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (Statement lock = other.createStatement()) {
                // another transaction holds every key on sale (as a claim in flight does): counted, but skipped when locked
                lock.executeQuery("SELECT id FROM card_key WHERE status = 'AVAILABLE' FOR UPDATE").close();
                ShopClient.Response refused = shop.createOrder("HELD", 2, "held@one.example", "sandbox");
                assertThat(refused.status()).isEqualTo(409);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class))
                        .as("the order inserted by the statement was rolled back with it").isZero();
                assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class))
                        .isEqualTo(3);
            } finally {
                other.rollback();
            }
        }
        // once released, the same checkout gets its keys
        Shop.PlacedOrder placed = Shop.order(shop, "HELD", 2, "held@one.example");
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM card_key k JOIN customer_order o ON o.id = k.order_id
                WHERE o.order_no = ? AND k.status = 'RESERVED'""", Integer.class, placed.orderNo())).isEqualTo(2);
    }

    @Test
    void theStatementsStripeIsTheOneTheOrderIdGives() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "STRIPED", "1.00", 64); // 4 keys in every stripe
        for (int i = 0; i < 5; i++) {
            Shop.PlacedOrder placed = Shop.order(shop, "STRIPED", 1 + i % 3, "s" + i + "@one.example");
            long id = jdbc.queryForObject("SELECT id FROM customer_order WHERE order_no = ?", Long.class, placed.orderNo());
            assertThat(jdbc.queryForList("SELECT id % 16 FROM card_key WHERE order_id = ?", Long.class, id))
                    .as("stripes of order id %d", id).containsOnly((long) KeyClaimer.stripeOf(id));
        }
    }

    private long nextOrderId() {
        return jdbc.queryForObject("""
                SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM customer_order_id_seq""", Long.class);
    }
}
