package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.kamiflow.support.FakeSmtp;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.SecondNode;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** One alert per dip below the threshold; the next only after stock went back above it. */
class LowStockAlertTest extends IntegrationTest {

    @Test
    void alertsOncePerDip() throws Exception {
        ShopClient shop = shop();
        assertThat(shop.createProduct("LOW", "1.00", "CNY", 3).status()).isEqualTo(201);
        shop.importKeys("LOW", "L1\nL2\nL3\nL4\n");

        assertThat(shop.createOrder("LOW", 1, "a@low.example", "sandbox").status()).isEqualTo(201); // 3 left: not below
        assertThat(lowStockMails()).isZero();
        assertThat(shop.createOrder("LOW", 1, "b@low.example", "sandbox").status()).isEqualTo(201); // 2 left: alert
        await().atMost(Duration.ofSeconds(20)).until(() -> lowStockMails() == 1);
        assertThat(shop.createOrder("LOW", 1, "c@low.example", "sandbox").status()).isEqualTo(201); // 1 left: no second alert
        Thread.sleep(300);
        assertThat(lowStockMails()).isEqualTo(1);

        shop.importKeys("LOW", "L5\nL6\nL7\n"); // 4 left: above again, re-armed
        assertThat(shop.createOrder("LOW", 2, "d@low.example", "sandbox").status()).isEqualTo(201); // 2 left: alert again
        await().atMost(Duration.ofSeconds(20)).until(() -> lowStockMails() == 2);
        assertThat(TestMail.get().getReceivedMessagesForDomain("admin@kamiflow.local")[1].getSubject())
                .isEqualTo("[kamiflow] Low stock: LOW has 2 keys left");
    }

    /**
     * The low-stock mail leaves the checkout that took the stock low: sent in that request's afterCommit, it kept the
     * buyer waiting for SMTP and the request's pooled connection out of the pool (Spring returns it only after the
     * afterCommit callbacks) for as long as the mail server took.
     */
    @Test
    void aSlowMailServerDoesNotHoldUpTheCheckoutThatTookTheStockLow() throws Exception {
        try (FakeSmtp slow = FakeSmtp.answeringDataAfter(Duration.ofMillis(2500)); // under the test profile's 3 s read timeout
             ConfigurableApplicationContext node = SecondNode.start("low-stock-slow-smtp",
                     Map.of("spring.mail.port", slow.port()), context -> { })) {
            ShopClient shop = new ShopClient(node.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
            assertThat(shop.createProduct("LOW", "1.00", "CNY", 3).status()).isEqualTo(201);
            shop.importKeys("LOW", "L1\nL2\nL3\nL4\nL5\n");
            for (String buyer : new String[] {"a@low.example", "b@low.example"}) { // 4, then 3 left: no alert yet
                assertThat(shop.createOrder("LOW", 1, buyer, "sandbox").status()).isEqualTo(201);
            }

            long start = System.nanoTime();
            assertThat(shop.createOrder("LOW", 1, "c@low.example", "sandbox").status()).isEqualTo(201); // 2 left: alert
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            // under the relay's 2.5 s with room for a loaded machine: a checkout that waited for the mail took 2.5 s or more
            assertThat(took).as("the checkout that took the stock below its threshold").isLessThan(Duration.ofSeconds(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.arrivedFor("admin@kamiflow.local") == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.answered() == 1);
        }
    }

    private int lowStockMails() throws Exception {
        int count = 0;
        for (var mail : TestMail.get().getReceivedMessagesForDomain("admin@kamiflow.local")) {
            count += mail.getSubject().contains("Low stock") ? 1 : 0;
        }
        return count;
    }
}
