package io.kamiflow.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.junit.jupiter.api.Test;

/** A gateway that sends the same notice fifty times at once: one payment, one process, one mail. */
class DuplicateCallbackTest extends IntegrationTest {

    @Test
    void fiftyIdenticalCallbacksAtOnce() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "DUP", "8.80", 5);
        Shop.PlacedOrder order = Shop.order(shop, "DUP", 2, "dup@example.com");
        Map<String, String> notice = ShopClient.signedNotice(order.orderNo(), "DUP-TRADE-1", order.amount(), order.currency());

        List<Callable<ShopClient.Response>> storm = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            storm.add(() -> shop.sandboxNotify(notice));
        }
        List<ShopClient.Response> replies = Concurrently.run(50, storm);
        assertThat(replies).allSatisfy(reply -> {
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("success");
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(
                jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, order.orderNo())));
        // a late straggler of the storm changes nothing either
        assertThat(shop.sandboxNotify(notice).body()).isEqualTo("success");
        Thread.sleep(1000);

        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(order.orderNo()).count()).isEqualTo(1);
        assertThat(TestMail.get().getReceivedMessages()).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt", Integer.class)).isEqualTo(1);
    }
}
