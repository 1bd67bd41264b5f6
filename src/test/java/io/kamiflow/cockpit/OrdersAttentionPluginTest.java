package io.kamiflow.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;

/** The Cockpit Orders plugin's list counts each order's open tasks and incidents and filters on them. */
class OrdersAttentionPluginTest extends IntegrationTest {

    @Test
    void theListCountsOpenTasksAndIncidentsAndNeedsAttentionKeepsOnlyThoseOrders() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "ATTN", "9.90", 2);
        Shop.PlacedOrder fine = Shop.order(shop, "ATTN", 1, "fine@example.com");
        assertThat(Shop.pay(shop, fine, "T-FINE").body()).isEqualTo("success");
        awaitDelivered(fine.orderNo());
        Shop.PlacedOrder stuck = Shop.order(shop, "ATTN", 1, "stuck@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(stuck.orderNo(), "T-STUCK", "1.00", "CNY")); // too little: Review payment
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery()
                .processInstanceBusinessKey(stuck.orderNo()).count() == 1);
        String instance = engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(stuck.orderNo())
                .singleResult().getId();
        engine.getRuntimeService().createIncident("failedJob", instance, "test", "the gateway did not answer");

        CockpitSession admin = new CockpitSession(port, "cockpit", ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD);
        JsonNode all = admin.plugin("orders").json();
        assertThat(row(all, stuck.orderNo()).get("openTasks").asInt()).isEqualTo(1);
        assertThat(row(all, stuck.orderNo()).get("openIncidents").asInt()).isEqualTo(1);
        assertThat(row(all, fine.orderNo()).get("openTasks").asInt()).isZero();
        assertThat(row(all, fine.orderNo()).get("openIncidents").asInt()).isZero();

        assertThat(orderNos(admin.plugin("orders?needsAttention=true").json())).containsExactly(stuck.orderNo());
        assertThat(orderNos(admin.plugin("orders?needsAttention=false").json())).hasSize(2);
        ShopClient.Response bad = admin.plugin("orders?needsAttention=yes");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("needsAttention");
        JsonNode timeline = admin.plugin("orders/" + stuck.orderNo()).json();
        assertThat(timeline.get("order").get("openTasks").asInt()).isEqualTo(1);
    }

    private static JsonNode row(JsonNode page, String orderNo) {
        for (JsonNode order : page.get("orders")) {
            if (order.get("orderNo").asText().equals(orderNo)) {
                return order;
            }
        }
        throw new AssertionError("no order " + orderNo + " in " + page);
    }

    private static List<String> orderNos(JsonNode page) {
        List<String> numbers = new ArrayList<>();
        page.get("orders").forEach(order -> numbers.add(order.get("orderNo").asText()));
        return numbers;
    }
}
