package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;

/**
 * A checkout on PostgreSQL prices from this node's copy of the product ({@link io.kamiflow.catalog.OfferCopies}) and
 * its order's statement checks the copy's version. Another node's change (written here as that node's admin writes
 * it: the row and a new version, which this node's copy does not hear of) must be what the next checkout charges and
 * checks, and the statement that finds the copy outdated must leave nothing behind. The buyer's cap is counted by the
 * same statement: a refusal is still a 429 with a Retry-After and no order.
 */
class CheckoutFromCopyTest extends IntegrationTest {

    @Test
    void anotherNodesPriceChangeIsWhatTheNextCheckoutCharges() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "COPY", "10.00", 10);
        assertThat(Shop.order(shop, "COPY", 1, "a@copy.example").amount()).isEqualTo("10.00"); // copied now
        long next = nextOrderId();

        jdbc.update("UPDATE product SET price_minor = 700, version = version + 1 WHERE sku = 'COPY'");
        assertThat(Shop.order(shop, "COPY", 1, "b@copy.example").amount()).isEqualTo("7.00");
        assertThat(Shop.order(shop, "COPY", 2, "c@copy.example").amount()).isEqualTo("14.00");

        assertThat(jdbc.queryForList("SELECT amount_minor FROM customer_order ORDER BY id", Long.class))
                .containsExactly(1000L, 700L, 1400L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class))
                .as("the statement that found the copy outdated reserved nothing").isEqualTo(4);
        assertThat(nextOrderId()).as("nor inserted an order: one identity value per placed order").isEqualTo(next + 2);
    }

    @Test
    void anotherNodesTierChangeIsWhatTheNextCheckoutCharges() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "TIERED", "10.00", 10);
        assertThat(Shop.order(shop, "TIERED", 3, "a@copy.example").amount()).isEqualTo("30.00");

        jdbc.update("""
                INSERT INTO product_tier (product_id, min_quantity, unit_price_minor, currency)
                SELECT id, 3, 800, 'CNY' FROM product WHERE sku = 'TIERED'""");
        jdbc.update("UPDATE product SET version = version + 1 WHERE sku = 'TIERED'");
        assertThat(Shop.order(shop, "TIERED", 3, "b@copy.example").amount()).isEqualTo("24.00");
    }

    @Test
    void aProductHiddenOnAnotherNodeIsNotSold() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "HIDDEN", "1.00", 5);
        Shop.order(shop, "HIDDEN", 1, "a@copy.example");

        jdbc.update("UPDATE product SET active = FALSE, version = version + 1 WHERE sku = 'HIDDEN'");
        ShopClient.Response refused = shop.createOrder("HIDDEN", 1, "b@copy.example", "sandbox");
        assertThat(refused.status()).as(refused.body()).isEqualTo(404);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class)).isEqualTo(4);
    }

    @Test
    void aQuantityTheCopyRefusesIsCheckedAgainstTheDatabasesProduct() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "LIMITS", "1.00", 10);
        jdbc.update("UPDATE product SET max_quantity = 2, version = version + 1 WHERE sku = 'LIMITS'");
        Shop.order(shop, "LIMITS", 2, "a@copy.example"); // the copy says at most 2
        assertThat(shop.createOrder("LIMITS", 3, "b@copy.example", "sandbox").status()).isEqualTo(400);

        jdbc.update("UPDATE product SET max_quantity = 5, version = version + 1 WHERE sku = 'LIMITS'");
        assertThat(Shop.order(shop, "LIMITS", 4, "b@copy.example").amount()).isEqualTo("4.00");
        ShopClient.Response tooMany = shop.createOrder("LIMITS", 6, "c@copy.example", "sandbox");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().get("detail").asText()).contains("between 1 and 5");
    }

    @Test
    void aProductTurnedByHandOnAnotherNodeReservesNoKeys() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "TURNED", "1.00", 5);
        Shop.order(shop, "TURNED", 1, "a@copy.example");

        jdbc.update("UPDATE product SET kind = 'BY_HAND', version = version + 1 WHERE sku = 'TURNED'");
        Shop.order(shop, "TURNED", 1, "b@copy.example");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class))
                .as("only the first order, placed while the product sold keys").isEqualTo(1);
    }

    @Test
    void theBuyersCapCountedInTheOrdersStatementRefusesWithRetryAfterAndWritesNothing() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "CAPPED", "1.00", 10);
        for (int i = 0; i < 3; i++) {
            Shop.order(shop, "CAPPED", 1, "Cap@Copy.example");
        }
        long next = nextOrderId();
        ShopClient.Response refused = shop.createOrder("CAPPED", 1, "cap@copy.EXAMPLE", "sandbox");
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asText()).contains("email already holds 3 unpaid orders");
        assertThat(refused.retryAfter()).isPositive();
        assertThat(nextOrderId()).isEqualTo(next);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class)).isEqualTo(3);
    }

    private long nextOrderId() {
        return jdbc.queryForObject("SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM customer_order_id_seq",
                Long.class);
    }
}
