package io.kamiflow.ops.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

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
     * A client connecting from a non-internal address (this machine's own LAN address) cannot pick its
     * identity with X-Forwarded-For: every request counts against the address it really comes from.
     */
    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        Optional<InetAddress> lan = lanAddress();
        assumeTrue(lan.isPresent(), "needs a non-loopback, non-private IPv4 address on this machine");
        takeKeysOnPayment();
        Shop.productWithKeys(shop(), "SPOOF", "1.00", 1);
        HttpClient http = HttpClient.newHttpClient();
        int created = 0;
        int refused = 0;
        for (int i = 0; i <= checkouts; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + lan.get().getHostAddress() + ":" + port + "/api/orders"))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100." + i)
                    .POST(HttpRequest.BodyPublishers.ofString(ShopClient.json(Map.of("sku", "SPOOF", "quantity", 1,
                            "email", "spoof" + i + "@example.com", "channel", "sandbox"))))
                    .build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            created += status == 201 ? 1 : 0;
            refused += status == 429 ? 1 : 0;
        }
        assertThat(created).isEqualTo(checkouts);
        assertThat(refused).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT DISTINCT client_address FROM customer_order", String.class))
                .containsExactly(lan.get().getHostAddress());
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

    private static Optional<InetAddress> lanAddress() throws Exception {
        return NetworkInterface.networkInterfaces().filter(n -> {
                    try {
                        return n.isUp() && !n.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isSiteLocalAddress()
                        && !a.isLinkLocalAddress() && !a.getHostAddress().startsWith("100."))
                .findFirst();
    }
}
