package io.kamiflow.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.gateway.sandbox.SandboxSignature;

/** Real HTTP to the running app, the way buyers, admins and gateways reach it. Thread-safe. */
public class ShopClient {

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin-test-password";
    public static final String SANDBOX_SECRET = "test-sandbox-secret";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Response(int status, String body, String contentType, Map<String, List<String>> headers) {
        public Response(int status, String body, String contentType) {
            this(status, body, contentType, Map.of());
        }

        public static Response of(HttpResponse<String> response) {
            return new Response(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse(""), response.headers().map());
        }

        /** Seconds of the Retry-After header, -1 when absent. */
        public long retryAfter() {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Retry-After"))
                    .map(h -> Long.parseLong(h.getValue().get(0))).findFirst().orElse(-1L);
        }

        /** The header's first value, whatever its case; null when absent. */
        public String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(h -> h.getValue().get(0)).findFirst().orElse(null);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private final String base;

    public ShopClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public Response createProduct(String sku, String price, String currency, int lowStockThreshold) {
        return admin("POST", "/api/admin/products", "application/json",
                json(Map.of("sku", sku, "name", "Product " + sku, "price", price, "currency", currency,
                        "lowStockThreshold", lowStockThreshold)));
    }

    public Response importKeys(String sku, String body) {
        return admin("POST", "/api/admin/products/" + sku + "/keys", "text/plain; charset=UTF-8", body);
    }

    public Response generateKeys(String sku, int count) {
        return admin("POST", "/api/admin/products/" + sku + "/keys/generate", "application/json",
                json(Map.of("count", count)));
    }

    public Response stock(String sku) {
        return admin("GET", "/api/admin/products/" + sku + "/stock", null, null);
    }

    public Response createOrder(String sku, int quantity, String email, String channel) {
        return send("POST", "/api/orders", "application/json",
                json(Map.of("sku", sku, "quantity", quantity, "email", email, "channel", channel)), Map.of());
    }

    public Response getOrder(String orderNo, String token) {
        return send("GET", "/api/orders/" + orderNo, null, null, token == null ? Map.of() : Map.of("X-Order-Token", token));
    }

    /** A correctly signed sandbox notice for the given values. */
    public static Map<String, String> signedNotice(String orderNo, String tradeNo, String amount, String currency) {
        Map<String, String> fields = new TreeMap<>();
        fields.put("orderNo", orderNo);
        fields.put("tradeNo", tradeNo);
        fields.put("amount", amount);
        fields.put("currency", currency);
        fields.put("status", "PAID");
        fields.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        fields.put("sign", SandboxSignature.sign(fields, SANDBOX_SECRET));
        return fields;
    }

    public Response sandboxNotify(Map<String, String> fields) {
        return postForm("/api/payments/sandbox/notify", fields);
    }

    public Response postForm(String path, Map<String, String> fields) {
        return send("POST", path, "application/x-www-form-urlencoded", form(fields), Map.of());
    }

    /** {@code k=v&...}, URL-encoded, in the map's order. */
    public static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Places an order on the given channel and returns its fixture plus the checkout answer. */
    public Shop.PlacedOrder order(String sku, int quantity, String email, String channel) {
        Response response = createOrder(sku, quantity, email, channel);
        if (response.status() != 201) {
            throw new AssertionError("order failed: " + response.status() + " " + response.body());
        }
        JsonNode json = response.json();
        return new Shop.PlacedOrder(json.get("orderNo").asText(), json.get("accessToken").asText(),
                json.get("amount").asText(), json.get("currency").asText());
    }

    public Response admin(String method, String path, String contentType, String body) {
        return admin(method, path, contentType, body, Map.of());
    }

    /** As the admin, with extra headers (If-Match, ...). */
    public Response admin(String method, String path, String contentType, String body, Map<String, String> headers) {
        String basic = Base64.getEncoder().encodeToString((ADMIN_USER + ":" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Authorization", "Basic " + basic);
        return send(method, path, contentType, body, all);
    }

    public Response send(String method, String path, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return Response.of(response);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value instanceof Map<?, ?> map ? new LinkedHashMap<>(map) : value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
