package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import org.junit.jupiter.api.Test;

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
        await().atMost(Duration.ofSeconds(5)).until(() -> lowStockMails() == 1);
        assertThat(shop.createOrder("LOW", 1, "c@low.example", "sandbox").status()).isEqualTo(201); // 1 left: no second alert
        Thread.sleep(300);
        assertThat(lowStockMails()).isEqualTo(1);

        shop.importKeys("LOW", "L5\nL6\nL7\n"); // 4 left: above again, re-armed
        assertThat(shop.createOrder("LOW", 2, "d@low.example", "sandbox").status()).isEqualTo(201); // 2 left: alert again
        await().atMost(Duration.ofSeconds(5)).until(() -> lowStockMails() == 2);
        assertThat(TestMail.get().getReceivedMessagesForDomain("admin@kamiflow.local")[1].getSubject())
                .isEqualTo("[kamiflow] Low stock: LOW has 2 keys left");
    }

    private int lowStockMails() throws Exception {
        int count = 0;
        for (var mail : TestMail.get().getReceivedMessagesForDomain("admin@kamiflow.local")) {
            count += mail.getSubject().contains("Low stock") ? 1 : 0;
        }
        return count;
    }
}
