package io.kamiflow.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/** Fresh emails are free, addresses are not: one address holds only a few unpaid reserving orders. */
class AddressReservationCapTest extends IntegrationTest {

    private static final String HOARDER = "203.0.113.30";

    @Value("${kamiflow.rate-limit.max-open-reservations-per-address}")
    int cap;

    @Test
    void oneAddressHoldsAtMostTheCapEvenWithDistinctEmailsAtOnce() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "HOARD", "1.00", 50);
        List<Callable<ShopClient.Response>> checkouts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String email = "hoarder" + i + "@example.com";
            checkouts.add(() -> checkout(shop, HOARDER, email));
        }
        List<ShopClient.Response> replies = Concurrently.run(20, checkouts);

        assertThat(replies.stream().filter(r -> r.status() == 201).count()).isEqualTo(cap);
        List<ShopClient.Response> refused = replies.stream().filter(r -> r.status() == 429).toList();
        assertThat(refused).hasSize(20 - cap);
        assertThat(refused).allSatisfy(r -> {
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.retryAfter()).isPositive();
        });
        assertThat(refused).anySatisfy(r -> assertThat(r.json().get("detail").asText())
                .contains("this address already holds " + cap + " unpaid orders"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(cap);
        assertThat(jdbc.queryForList("SELECT DISTINCT client_address FROM customer_order", String.class))
                .containsExactly(HOARDER);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class)).isEqualTo(cap);

        assertThat(checkout(shop, "203.0.113.31", "neighbour@example.com").status()).isEqualTo(201);
    }

    @Test
    void theEmailCapStillHoldsAndSaysWhenToComeBack() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "MAIL", "1.00", 10);
        for (int i = 0; i < 3; i++) {
            assertThat(shop.createOrder("MAIL", 1, "same@example.com", "sandbox").status()).isEqualTo(201);
        }
        ShopClient.Response refused = shop.createOrder("MAIL", 1, "same@example.com", "sandbox");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("detail").asText()).contains("this email already holds 3 unpaid orders");
        assertThat(refused.retryAfter()).isPositive();
    }

    private static ShopClient.Response checkout(ShopClient shop, String clientAddress, String email) {
        return shop.send("POST", "/api/orders", "application/json",
                ShopClient.json(Map.of("sku", "HOARD", "quantity", 1, "email", email, "channel", "sandbox")),
                Map.of("X-Forwarded-For", clientAddress));
    }
}
