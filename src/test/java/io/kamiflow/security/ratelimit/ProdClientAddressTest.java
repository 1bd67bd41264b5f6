package io.kamiflow.security.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.SecondNode;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node running the prod profile as shipped (no trusted proxy named, no exemption set) behind an L4 balancer on a
 * private address: here the balancer is a client connecting from 127.0.0.2. A buyer who sends
 * {@code X-Forwarded-For: 127.0.0.1} through it is still the balancer's address, and nobody skips the buyer limits or the
 * reservation cap.
 */
class ProdClientAddressTest extends IntegrationTest {

    @Test
    void aBuyerCannotNameItselfLoopbackThroughAPrivateBalancer() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "PROD", "1.00", 5);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("spring.mail.host", "127.0.0.1");
        settings.put("camunda.bpm.admin-user.id", ShopClient.ADMIN_USER);
        settings.put("camunda.bpm.admin-user.password", ShopClient.ADMIN_PASSWORD);
        settings.put("kamiflow.storefront.base-url", "https://shop.example.test");
        // staging-style sandbox, so a checkout needs no gateway
        settings.put("kamiflow.payment.sandbox.secret", ShopClient.SANDBOX_SECRET);
        settings.put("kamiflow.payment.sandbox.allow-in-prod", true);
        settings.put("kamiflow.rate-limit.lookup.capacity", 3);
        settings.put("kamiflow.rate-limit.max-open-reservations-per-address", 2);
        try (ConfigurableApplicationContext node = SecondNode.start("prod-node", settings, context -> { }, "prod")) {
            int port = ((WebServerApplicationContext) node).getWebServer().getPort();
            for (int i = 0; i < 3; i++) {
                assertThat(status(port, "GET", "/api/orders/NO-SUCH-ORDER", "127.0.0.1", null)).as("lookup " + i).isEqualTo(404);
            }
            assertThat(status(port, "GET", "/api/orders/NO-SUCH-ORDER", "127.0.0.1", null)).as("past the lookup limit").isEqualTo(429);
            assertThat(status(port, "GET", "/api/orders/NO-SUCH-ORDER", null, null)).as("without the header").isEqualTo(429);

            String checkout = ShopClient.json(Map.of("sku", "PROD", "quantity", 1, "email", "prod%d@example.com", "channel", "sandbox"));
            assertThat(status(port, "POST", "/api/orders", "127.0.0.1", checkout.formatted(1))).isEqualTo(201);
            assertThat(status(port, "POST", "/api/orders", "127.0.0.1", checkout.formatted(2))).isEqualTo(201);
            assertThat(status(port, "POST", "/api/orders", "127.0.0.1", checkout.formatted(3))).as("the reservation cap")
                    .isEqualTo(429);
        }
        assertThat(jdbc.queryForList("SELECT DISTINCT client_address FROM customer_order", String.class))
                .as("the address the node recorded: the balancer's, not the one the buyer named").containsExactly("127.0.0.2");
    }

    /** One request over a socket bound to 127.0.0.2 (the "balancer"), with the buyer's X-Forwarded-For if given. */
    private static int status(int port, String method, String path, String forwardedFor, String json) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress("127.0.0.2", 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: shop.example.test\r\nConnection: close\r\n"
                    + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n")
                    + (json == null ? "" : "Content-Type: application/json\r\n") + "Content-Length: " + body.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
