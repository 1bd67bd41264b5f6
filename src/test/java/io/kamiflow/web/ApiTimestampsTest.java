package io.kamiflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * One timestamp format in every API answer: walks the main endpoints' JSON (buyer's order, admin orders and an
 * order's payments and mail attempts, products, stock, categories) and checks that every field that looks like a
 * time, by its name or its value, is ISO-8601 UTC with {@code Z} in the one shape {@link JsonTimes} writes.
 */
class ApiTimestampsTest extends IntegrationTest {

    private static final Pattern ONE_FORMAT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
    private static final Pattern LOOKS_LIKE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ].*");
    private static final Pattern TIME_NAME = Pattern.compile(".*(At|Time|time|Date|date|Until|From|\\.at)$");

    @Autowired
    ObjectMapper json;

    @Test
    void everyTimestampInTheMainAnswersIsIsoUtcWithZ() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "GAME", "12.50", 3);
        shop.admin("POST", "/api/admin/categories", "application/json",
                ShopClient.json(Map.of("slug", "games", "nameEn", "Games", "nameZh", "游戏")));
        Shop.PlacedOrder order = Shop.order(shop, "GAME", 1, "times@example.com");
        assertThat(Shop.pay(shop, order, "T-TIMES").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());

        List<String> checked = new ArrayList<>();
        check(shop.getOrder(order.orderNo(), order.accessToken()), "/api/orders/{no}", checked);
        check(shop.admin("GET", "/api/admin/orders", null, null), "/api/admin/orders", checked);
        check(shop.admin("GET", "/api/admin/orders/" + order.orderNo(), null, null), "/api/admin/orders/{no}", checked);
        check(shop.admin("GET", "/api/admin/products", null, null), "/api/admin/products", checked);
        check(shop.admin("GET", "/api/admin/products/GAME", null, null), "/api/admin/products/{sku}", checked);
        check(shop.admin("GET", "/api/admin/products/GAME/stock", null, null), "/api/admin/products/{sku}/stock", checked);
        check(shop.admin("GET", "/api/admin/categories", null, null), "/api/admin/categories", checked);
        check(shop.send("GET", "/api/products", null, null, Map.of()), "/api/products", checked);

        assertThat(checked).as("the order's times: created, paid, delivered, payment received, mail attempted")
                .contains("/api/orders/{no} createdAt", "/api/admin/orders/{no} order.createdAt",
                        "/api/admin/orders/{no} order.paidAt", "/api/admin/orders/{no} order.deliveredAt",
                        "/api/admin/orders/{no} payments[].receivedAt", "/api/admin/orders/{no} deliveryAttempts[].at");
    }

    /** Time types that reach Jackson directly are written the same way, whatever their zone. */
    @Test
    void timeTypesAreWrittenInTheSameFormat() throws Exception {
        Instant at = Instant.parse("2026-12-05T10:38:16.123456Z");
        assertThat(json.writeValueAsString(Map.of("a", at))).isEqualTo("{\"a\":\"2026-12-05T10:38:16.123Z\"}");
        assertThat(json.writeValueAsString(Map.of("a", at.atOffset(ZoneOffset.ofHours(8)))))
                .isEqualTo("{\"a\":\"2026-12-05T10:38:16.123Z\"}");
        assertThat(json.writeValueAsString(Map.of("a", Date.from(at)))).isEqualTo("{\"a\":\"2026-12-05T10:38:16.123Z\"}");
        assertThat(JsonTimes.text(OffsetDateTime.parse("2026-12-05T18:00:00+08:00"))).isEqualTo("2026-12-05T10:00:00.000Z");
    }

    private void check(ShopClient.Response answer, String endpoint, List<String> checked) {
        assertThat(answer.status()).as(endpoint + ": " + answer.body()).isEqualTo(200);
        walk(answer.json(), "", endpoint, checked);
    }

    private void walk(JsonNode node, String path, String endpoint, List<String> checked) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> walk(field.getValue(),
                    path.isEmpty() ? field.getKey() : path + "." + field.getKey(), endpoint, checked));
        } else if (node.isArray()) {
            node.forEach(item -> walk(item, path + "[]", endpoint, checked));
        } else if (node.isTextual() && (LOOKS_LIKE_TIME.matcher(node.asText()).matches()
                || TIME_NAME.matcher(path).matches())) {
            assertThat(node.asText()).as(endpoint + " " + path).matches(ONE_FORMAT);
            checked.add(endpoint + " " + path);
        } else if (node.isNumber() && TIME_NAME.matcher(path).matches()) {
            throw new AssertionError(endpoint + " " + path + " is a number, not an ISO-8601 time: " + node);
        }
    }
}
