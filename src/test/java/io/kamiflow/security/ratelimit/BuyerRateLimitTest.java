package io.kamiflow.security.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /**
     * The limits hold for what a request reaches, however its path is spelled: each spelling that reaches the lookup
     * (an encoded letter in the path or in the order number, HEAD instead of GET) counts against the address's
     * limit, and once it is used up no spelling reaches the order (doubled slashes, dot segments, path parameters,
     * a trailing slash and other letter cases are refused or reach nothing, before and after).
     */
    @Test
    void everySpellingOfTheLookupCountsAndNoneGetsPastTheLimit() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "SPELL", "1.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "SPELL", 1, "spell@example.com");
        String no = order.orderNo();
        List<String> reaching = List.of("/api/%6Frders/" + no, "/%61pi/orders/" + no, "/api/orders/" + encodeFirst(no),
                "/api/order%73/" + no, "/orders/" + no + "?token=" + order.accessToken(), "/%6Frders/" + no + "?token="
                        + order.accessToken(), "/orders/" + encodeFirst(no) + "?token=" + order.accessToken());
        int sent = 0;
        for (int i = 0; i < lookups; i++, sent++) {
            String path = reaching.get(i % reaching.size());
            ShopClient.Response answer = lookup(shop, i % 3 == 2 ? "HEAD" : "GET", path, order, "203.0.113.50");
            assertThat(answer.status()).as(path).isEqualTo(200);
        }
        assertTooMany(lookup(shop, "GET", "/api/orders/" + no, order, "203.0.113.50"), "order lookups");
        for (String path : concat(reaching, oddSpellings("/api/orders/" + no), oddSpellings("/orders/" + no))) {
            for (String method : List.of("GET", "HEAD")) {
                ShopClient.Response answer = lookup(shop, method, path, order, "203.0.113.50");
                assertThat(answer.status()).as(method + " " + path + " after the limit: " + answer.body()).isIn(400, 404, 429);
                assertThat(answer.body()).as(method + " " + path).doesNotContain("\"orderNo\"");
            }
        }
        assertThat(lookup(shop, "HEAD", "/api/orders/" + no, order, "203.0.113.51").status())
                .as("another address").isEqualTo(200);
    }

    @Test
    void everySpellingOfTheCheckoutCountsAndNoneGetsPastTheLimit() {
        takeKeysOnPayment();
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "SPELL", "1.00", 1);
        List<String> reaching = List.of("/api/%6Frders", "/%61pi/orders", "/api/order%73", "/api/orders");
        for (int i = 0; i < checkouts; i++) {
            String path = reaching.get(i % reaching.size());
            assertThat(checkout(shop, path, "SPELL", "203.0.113.60", "buyer" + i + "@example.com").status()).as(path)
                    .isEqualTo(201);
        }
        for (String path : concat(reaching, oddSpellings("/api/orders"), List.of())) {
            ShopClient.Response answer = checkout(shop, path, "SPELL", "203.0.113.60", "late@example.com");
            assertThat(answer.status()).as(path + " after the limit: " + answer.body()).isIn(400, 404, 429);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo(checkouts);
    }

    /** Spellings that reach no handler (refused as ambiguous, or no such route): they must not get through either. */
    static List<String> oddSpellings(String path) {
        int last = path.lastIndexOf('/');
        return List.of(path + "/", path + ";jsessionid=x", path.substring(0, last) + ";jsessionid=x" + path.substring(last),
                "/" + path, path.replaceFirst("/", "//"), path.substring(0, last) + "/" + path.substring(last),
                path.replaceFirst("/", "/./"), path.replaceFirst("/", "/x/../"), path.replaceFirst("/", "/%2E/"),
                path.toUpperCase(), path.substring(0, 2).toUpperCase() + path.substring(2),
                path.substring(0, last) + "%2F" + path.substring(last + 1));
    }

    static String encodeFirst(String text) {
        return String.format("%%%02X", (int) text.charAt(0)) + text.substring(1);
    }

    @SafeVarargs
    static List<String> concat(List<String>... lists) {
        List<String> all = new java.util.ArrayList<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return all;
    }

    static void assertTooMany(ShopClient.Response response, String what) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(what);
        assertThat(response.retryAfter()).isPositive();
    }

    static ShopClient.Response checkout(ShopClient shop, String sku, String clientAddress, String email) {
        return checkout(shop, "/api/orders", sku, clientAddress, email);
    }

    static ShopClient.Response checkout(ShopClient shop, String path, String sku, String clientAddress, String email) {
        return shop.send("POST", path, "application/json",
                ShopClient.json(Map.of("sku", sku, "quantity", 1, "email", email, "channel", "sandbox")),
                Map.of("X-Forwarded-For", clientAddress));
    }

    private static ShopClient.Response lookup(ShopClient shop, Shop.PlacedOrder order, String clientAddress) {
        return lookup(shop, "GET", "/api/orders/" + order.orderNo(), order, clientAddress);
    }

    private static ShopClient.Response lookup(ShopClient shop, String method, String path, Shop.PlacedOrder order,
                                              String clientAddress) {
        return shop.send(method, path, null, null, Map.of("X-Order-Token", order.accessToken(), "X-Forwarded-For", clientAddress,
                "Accept", "application/json, text/html"));
    }
}
