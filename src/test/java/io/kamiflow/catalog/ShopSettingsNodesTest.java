package io.kamiflow.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.SecondNode;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two nodes on one database: the node that saves the shop's name shows it at once, the other one once its cached
 * copy is older than the TTL (2 s here), without a restart.
 */
class ShopSettingsNodesTest extends IntegrationTest {

    @AfterEach
    void defaults() {
        shop().admin("PUT", "/api/admin/shop", "application/json", "{\"announcementOn\": false}", Map.of("If-Match", "*"));
    }

    @Test
    void theOtherNodeShowsTheNewNameWithinItsTtl() {
        ConfigurableApplicationContext node = SecondNode.start("shop-profile",
                Map.of("kamiflow.storefront.shop-profile-ttl", "2s", "spring.datasource.hikari.maximum-pool-size", 3,
                        "spring.datasource.hikari.minimum-idle", 1, "camunda.bpm.job-execution.enabled", false),
                context -> { }); // few connections: the database serves other test runs too
        try {
            int otherPort = node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            StorefrontForms there = new StorefrontForms(otherPort, null);
            assertThat(there.get("/", "en").body()).contains("<title>Products · kamiflow</title>"); // cached there now

            assertThat(shop().admin("PUT", "/api/admin/shop", "application/json",
                    ShopClient.json(Map.of("nameEn", "Key Corner", "announcementOn", false)),
                    Map.of("If-Match", "*")).status()).isEqualTo(200);
            assertThat(new StorefrontForms(port, null).get("/", "en").body()).as("the saving node at once")
                    .contains("<title>Products · Key Corner</title>");
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> there.get("/", "en").body().contains("<title>Products · Key Corner</title>"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        } finally {
            node.close();
        }
    }
}
