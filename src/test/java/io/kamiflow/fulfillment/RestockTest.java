package io.kamiflow.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;

/** Fifty paid orders parked, thirty keys arrive: exactly the thirty oldest payments are served. */
class RestockTest extends IntegrationTest {

    @Test
    void restockResumesTheOldestParkedOrdersItCanServe() {
        takeKeysOnPayment();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "BULK", "1.00", 1);
        List<Shop.PlacedOrder> orders = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            orders.add(Shop.order(shop, "BULK", 1, "p" + i + "@restock.example"));
        }
        for (Shop.PlacedOrder order : orders) {
            Shop.pay(shop, order, "R-" + order.orderNo());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> count("AWAITING_STOCK") == 50 && count("DELIVERED") == 1
                && engine.getRuntimeService().createExecutionQuery().messageEventSubscriptionName("StockReplenished").count() == 50);
        List<String> oldestThirty = jdbc.queryForList(
                "SELECT order_no FROM customer_order WHERE status = 'AWAITING_STOCK' ORDER BY paid_at, id LIMIT 30", String.class);

        String keys = IntStream.range(0, 30).mapToObj(i -> "RESTOCK-" + i).collect(Collectors.joining("\n"));
        assertThat(shop.importKeys("BULK", keys).json().get("imported").asInt()).isEqualTo(30);

        await().atMost(Duration.ofSeconds(60)).until(() -> count("DELIVERED") == 31
                && engine.getManagementService().createJobQuery().processDefinitionKey("order-fulfillment").executable().count() == 0);
        List<String> delivered = jdbc.queryForList("SELECT order_no FROM customer_order WHERE status = 'DELIVERED'", String.class);
        assertThat(delivered).hasSize(31).containsAll(oldestThirty);
        assertThat(count("AWAITING_STOCK")).isEqualTo(20);
        assertThat(engine.getRuntimeService().createExecutionQuery().messageEventSubscriptionName("StockReplenished").count())
                .isEqualTo(20);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isEqualTo(31);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin_alert WHERE kind = 'ORDER_PARKED'", Integer.class)).isEqualTo(50);
    }

    private int count(String status) {
        return jdbc.queryForObject("SELECT count(*) FROM customer_order WHERE status = ?", Integer.class, status);
    }
}
