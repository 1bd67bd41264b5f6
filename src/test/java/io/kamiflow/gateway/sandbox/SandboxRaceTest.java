package io.kamiflow.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/** More paid buyers than keys, all callbacks at once over HTTP, job executor on: nobody gets a key twice. */
class SandboxRaceTest extends IntegrationTest {

    @Test
    void twoHundredPaidOrdersForOneHundredKeys() throws Exception {
        takeKeysOnPayment();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "RACE", "1.00", 100);
        List<Shop.PlacedOrder> orders = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            orders.add(Shop.order(shop, "RACE", 1, "buyer" + i + "@race.example"));
        }

        List<Callable<Integer>> callbacks = new ArrayList<>();
        for (Shop.PlacedOrder order : orders) {
            callbacks.add(() -> Shop.pay(shop, order, "RACE-" + order.orderNo()).status());
        }
        assertThat(Concurrently.run(32, callbacks)).containsOnly(200);

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                jdbc.queryForObject("SELECT count(*) FROM customer_order WHERE status IN ('DELIVERED', 'AWAITING_STOCK')",
                        Integer.class) == 200
                        && engine.getManagementService().createJobQuery().processDefinitionKey("order-fulfillment")
                                .executable().count() == 0);

        assertThat(countOrders("DELIVERED")).isEqualTo(100);
        assertThat(countOrders("AWAITING_STOCK")).isEqualTo(100);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isEqualTo(100);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE'", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM customer_order o
                WHERE o.status = 'DELIVERED' AND (SELECT count(*) FROM card_key k WHERE k.order_id = o.id) <> 1""",
                Integer.class)).isZero();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM card_key k JOIN customer_order o ON o.id = k.order_id WHERE o.status <> 'DELIVERED'""",
                Integer.class)).isZero();
        assertThat(engine.getRuntimeService().createIncidentQuery().count()).isZero();
        // the parked half waits for restock, visibly
        assertThat(engine.getRuntimeService().createExecutionQuery().messageEventSubscriptionName("StockReplenished").count())
                .isEqualTo(100);

        Set<String> allKeys = new HashSet<>();
        for (Shop.PlacedOrder order : orders) {
            JsonNode view = shop.getOrder(order.orderNo(), order.accessToken()).json();
            String email = "buyer" + orders.indexOf(order) + "@race.example";
            MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain(email);
            if (view.get("status").asText().equals("DELIVERED")) {
                String key = view.get("keys").get(0).asText();
                assertThat(allKeys.add(key)).as("key sold twice").isTrue();
                assertThat(mails).hasSize(1);
                assertThat(GreenMailUtil.getBody(mails[0])).contains(key);
            } else {
                assertThat(view.has("keys")).isFalse();
                assertThat(mails).isEmpty();
            }
        }
        assertThat(allKeys).hasSize(100);
        // each mail holds its buyer's key and no other buyer's
        for (MimeMessage mail : TestMail.get().getReceivedMessages()) {
            if (!mail.getAllRecipients()[0].toString().endsWith("@race.example")) {
                continue; // admin alerts about parked orders
            }
            String body = GreenMailUtil.getBody(mail);
            assertThat(allKeys.stream().filter(body::contains).count()).isEqualTo(1);
        }
    }

    private int countOrders(String status) {
        return jdbc.queryForObject("SELECT count(*) FROM customer_order WHERE status = ?", Integer.class, status);
    }
}
