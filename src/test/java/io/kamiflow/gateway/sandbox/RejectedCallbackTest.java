package io.kamiflow.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rejected notice answers 4xx "fail" and leaves the database exactly as it was. */
class RejectedCallbackTest extends IntegrationTest {

    static Stream<Arguments> badNotices() {
        return Stream.of(
                bad("bad signature", n -> with(n, "sign", SandboxSignature.sign(n, "not-the-secret")), 400),
                bad("amount changed after signing", n -> with(n, "amount", "0.01"), 400),
                bad("currency changed after signing", n -> with(n, "currency", "USD"), 400),
                bad("unknown order", n -> resigned(with(n, "orderNo", "NO-SUCH-ORDER")), 404),
                bad("stale timestamp", n -> resigned(with(n, "timestamp", Long.toString(Instant.now().getEpochSecond() - 400))), 400),
                bad("future timestamp", n -> resigned(with(n, "timestamp", Long.toString(Instant.now().getEpochSecond() + 400))), 400),
                bad("missing tradeNo", n -> resigned(without(n, "tradeNo")), 400),
                bad("missing sign", n -> without(n, "sign"), 400),
                bad("malformed amount", n -> resigned(with(n, "amount", "12,50")), 400),
                bad("malformed timestamp", n -> resigned(with(n, "timestamp", "yesterday")), 400),
                bad("unknown currency", n -> resigned(with(n, "currency", "XYZ")), 400),
                bad("status not PAID", n -> resigned(with(n, "status", "CLOSED")), 400),
                bad("empty body", n -> new TreeMap<>(), 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNotices")
    void rejectedNoticeChangesNothing(String name, Function<Map<String, String>, Map<String, String>> tamper, int status) {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "REJ", "12.50", 2);
        Shop.PlacedOrder order = Shop.order(shop, "REJ", 1, "rej@example.com");
        Map<String, String> notice = tamper.apply(
                ShopClient.signedNotice(order.orderNo(), "REJ-1", order.amount(), order.currency()));

        ShopClient.Response reply = shop.sandboxNotify(notice);

        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.body()).isEqualTo("fail");
        assertUnchanged(order);
    }

    @org.junit.jupiter.api.Test
    void fieldGivenTwiceIsRejected() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "REJ", "12.50", 2);
        Shop.PlacedOrder order = Shop.order(shop, "REJ", 1, "rej@example.com");
        Map<String, String> notice = ShopClient.signedNotice(order.orderNo(), "REJ-2", order.amount(), order.currency());
        StringBuilder form = new StringBuilder();
        notice.forEach((k, v) -> form.append(k).append('=').append(v).append('&'));
        form.append("amount=999.00");

        ShopClient.Response reply = shop.send("POST", "/api/payments/sandbox/notify",
                "application/x-www-form-urlencoded", form.toString(), Map.of());

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).isEqualTo("fail");
        assertUnchanged(order);
    }

    private void assertUnchanged(Shop.PlacedOrder order) {
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT status FROM customer_order WHERE order_no = ?", String.class, order.orderNo()))
                .isEqualTo("PENDING_PAYMENT");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class))
                .isEqualTo(1); // the checkout's reservation, untouched
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(order.orderNo()).count()).isZero();
    }

    private static Arguments bad(String name, Function<Map<String, String>, Map<String, String>> tamper, int status) {
        return Arguments.of(name, tamper, status);
    }

    private static Map<String, String> with(Map<String, String> notice, String field, String value) {
        Map<String, String> copy = new TreeMap<>(notice);
        copy.put(field, value);
        return copy;
    }

    private static Map<String, String> without(Map<String, String> notice, String field) {
        Map<String, String> copy = new TreeMap<>(notice);
        copy.remove(field);
        return copy;
    }

    private static Map<String, String> resigned(Map<String, String> notice) {
        Map<String, String> copy = new TreeMap<>(notice);
        copy.remove("sign");
        copy.put("sign", SandboxSignature.sign(copy, ShopClient.SANDBOX_SECRET));
        return copy;
    }
}
