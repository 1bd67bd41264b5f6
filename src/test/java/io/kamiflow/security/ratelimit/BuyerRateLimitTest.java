package io.kamiflow.security.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * Checkout and order lookup are rate-limited per client address (X-Forwarded-For from 127.0.0.1, an internal
 * proxy, simulates distinct clients); clients connecting directly from loopback are the operator's own tools.
 */
class BuyerRateLimitTest extends IntegrationTest {

    @Value("${kamiflow.rate-limit.checkout.capacity}")
    int checkouts;
    @Value("${kamiflow.rate-limit.lookup.capacity}")
    int lookups;

    @Test
    void theCheckoutAfterTheLimitIsRefusedWhileAnotherAddressStillPasses() {
        takeKeysOnPayment(); // no reservation cap in the way: this is about the request rate
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "RATE", "1.00", 1);
        for (int i = 0; i < checkouts; i++) {
            assertThat(checkout(shop, "RATE", "203.0.113.20", "buyer" + i + "@example.com").status()).isEqualTo(201);
        }
        ShopClient.Response refused = checkout(shop, "RATE", "203.0.113.20", "fresh@example.com");
        assertTooMany(refused, "checkouts");
        assertThat(checkout(shop, "RATE", "203.0.113.21", "other@example.com").status()).isEqualTo(201);
        // the refused checkout left nothing behind
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order WHERE buyer_email = 'fresh@example.com'",
                Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(checkouts + 1);
    }

    @Test
    void lookupsAreLimitedPerAddress() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "PEEK", "1.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "PEEK", 1, "peek@example.com");
        for (int i = 0; i < lookups; i++) {
            assertThat(lookup(shop, order, "203.0.113.40").status()).isEqualTo(200);
        }
        assertTooMany(lookup(shop, order, "203.0.113.40"), "order lookups");
        assertThat(lookup(shop, order, "203.0.113.41").status()).isEqualTo(200);
    }

    @Test
    void directLoopbackClientsAreExempt() {
        takeKeysOnPayment();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "LOOP", "1.00", 1);
        for (int i = 0; i < checkouts + 5; i++) {
            assertThat(shop.createOrder("LOOP", 1, "loop" + i + "@example.com", "sandbox").status()).isEqualTo(201);
        }
    }

    /**
     * A peer that is not an internal proxy cannot pick its identity with X-Forwarded-For. The tests trust only
     * 127.0.0.1 as a proxy (application-test.yml), so a client connecting from 127.0.0.2 is such a peer: its
     * order carries the address it really comes from, not the one it claims.
     */
    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        Shop.productWithKeys(shop(), "SPOOF", "1.00", 1);
        String body = ShopClient.json(Map.of("sku", "SPOOF", "quantity", 1, "email", "spoof@example.com", "channel", "sandbox"));
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress("127.0.0.2", 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Forwarded-For: 198.51.100.7\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 201");
        }
        assertThat(jdbc.queryForList("SELECT client_address FROM customer_order", String.class)).containsExactly("127.0.0.2");
    }

    static void assertTooMany(ShopClient.Response response, String what) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(what);
        assertThat(response.retryAfter()).isPositive();
    }

    static ShopClient.Response checkout(ShopClient shop, String sku, String clientAddress, String email) {
        return shop.send("POST", "/api/orders", "application/json",
                ShopClient.json(Map.of("sku", sku, "quantity", 1, "email", email, "channel", "sandbox")),
                Map.of("X-Forwarded-For", clientAddress));
    }

    private static ShopClient.Response lookup(ShopClient shop, Shop.PlacedOrder order, String clientAddress) {
        return shop.send("GET", "/api/orders/" + order.orderNo(), null, null,
                Map.of("X-Order-Token", order.accessToken(), "X-Forwarded-For", clientAddress));
    }
}
