package io.kamiflow.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.kamiflow.gateway.alipay.AlipayNotices;
import io.kamiflow.gateway.epay.EpayNotices;
import io.kamiflow.gateway.stripe.FakeStripe;
import io.kamiflow.gateway.stripe.StripeEventsFixture;
import io.kamiflow.gateway.wechat.WechatNotifications;
import io.kamiflow.support.DatabaseSessions;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Metrics;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway that hangs holds up only the buyers who chose it (issue 19, hole 2): checkout opens the trade after its
 * transaction committed, so 30 buyers waiting on it hold no database connection, no lock and no transaction; every
 * other buyer, every callback and every order page answers as usual, and the waiting buyers get a clear answer within
 * the gateways' bounded timeouts (connect 5 s, read 10 s, no SDK retries) with their order cancelled and its keys
 * back in stock.
 */
class SlowGatewayCheckoutTest extends IntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(SlowGatewayCheckoutTest.class);
    private static final int CROWD = 30;
    private static final String SESSIONS = "/stripe/v1/checkout/sessions";
    /** connect 5 s + read 10 s, plus a second for the order's own two short transactions on a busy test machine */
    private static final Duration BOUND = Duration.ofSeconds(16);
    private static final Duration SNAPPY = Duration.ofSeconds(1);
    private static final List<String> CHANNELS = List.of("sandbox", "alipay", "wechat", "epay", "stripe");

    @LocalManagementPort
    int managementPort;

    private final CountDownLatch gatewayWakesUp = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    private record Timed(String what, ShopClient.Response response, Duration took) {
        @Override
        public String toString() {
            return what + ": " + (response == null ? "no answer" : response.status() + " " + response.body())
                    + " after " + took.toMillis() + " ms";
        }
    }

    @AfterEach
    void wakeTheGatewayUp() {
        gatewayWakesUp.countDown();
        threads.shutdownNow();
        FakeGateway.reset();
    }

    @Test
    void thirtyBuyersWaitingOnAHangingGatewayHoldUpNobodyElse() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "SLOW", "12.50", CROWD + 20);
        FakeStripe.install();
        // a shop at work: one order paid through each channel before Stripe hangs, one placed to be paid while it hangs
        Map<String, Shop.PlacedOrder> unpaid = new HashMap<>();
        for (String channel : CHANNELS) {
            String checkoutChannel = channel.equals("stripe") ? "stripe" : "sandbox"; // the others' checkouts call nobody
            Shop.PlacedOrder before = shop.order("SLOW", 1, "before-" + channel + "@example.com", checkoutChannel);
            assertThat(pay(shop, channel, before).status()).as(channel + " callback before the hang").isBetween(200, 204);
            unpaid.put(channel, shop.order("SLOW", 1, "paid-" + channel + "@example.com", checkoutChannel));
        }
        FakeGateway.on("POST", SESSIONS, request -> {
            gatewayWakesUp.await(2, TimeUnit.MINUTES);
            return new FakeGateway.Reply(500, Map.of(), "woke up too late");
        });

        List<Future<Timed>> crowd = new ArrayList<>();
        for (int i = 0; i < CROWD; i++) {
            String email = "crowd-" + i + "@example.com";
            crowd.add(threads.submit(() -> timed("stripe checkout of " + email,
                    () -> shop.createOrder("SLOW", 1, email, "stripe"))));
        }
        for (long until = System.nanoTime() + Duration.ofSeconds(5).toNanos(); sessionRequests() < CROWD
                && System.nanoTime() < until; ) {
            Thread.sleep(50); // all of them at the gateway, or as many as get there (asserted below)
        }

        // while the crowd waits on Stripe: another buyer, every channel's callback and the order pages
        List<Callable<List<Timed>>> others = new ArrayList<>();
        others.add(() -> List.of(timed("another buyer's sandbox checkout",
                () -> shop.createOrder("SLOW", 1, "other@example.com", "sandbox"))));
        for (Map.Entry<String, Shop.PlacedOrder> order : unpaid.entrySet()) {
            others.add(() -> {
                Timed callback = timed(order.getKey() + " callback", () -> pay(shop, order.getKey(), order.getValue()));
                Timed page = timed(order.getKey() + " order page",
                        () -> shop.getOrder(order.getValue().orderNo(), order.getValue().accessToken()));
                return List.of(callback, page);
            });
        }
        List<Timed> answers = new ArrayList<>();
        for (Future<List<Timed>> probe : threads.invokeAll(others, 2, TimeUnit.MINUTES)) {
            answers.addAll(probe.get());
        }
        List<String> holding = DatabaseSessions.idleInTransactionForASecond();
        double waitingForAConnection = Metrics.scrape(managementPort).value("hikaricp_connections_pending", "pool", "kamiflow");
        log.info("while {} checkouts hang at Stripe: {}", CROWD, answers.stream().map(a -> a.what() + " "
                + (a.response() == null ? "-" : a.response().status()) + " in " + a.took().toMillis() + " ms").toList());
        int atTheGateway = sessionRequests();

        assertThat(answers).as("answers while %d checkouts wait on Stripe", CROWD)
                .allSatisfy(answer -> assertThat(answer.took()).as(answer.toString()).isLessThan(SNAPPY));
        assertThat(answers).filteredOn(a -> a.what().endsWith("checkout"))
                .allSatisfy(a -> assertThat(a.response().status()).as(a.toString()).isEqualTo(201));
        assertThat(answers).filteredOn(a -> a.what().endsWith("callback"))
                .allSatisfy(a -> assertThat(a.response().status()).as(a.toString()).isBetween(200, 204));
        assertThat(answers).filteredOn(a -> a.what().endsWith("order page"))
                .allSatisfy(a -> assertThat(a.response().json().path("keys")).as(a.toString()).hasSize(1));
        assertThat(holding).as("database sessions idle in a transaction while the gateway hangs").isEmpty();
        assertThat(waitingForAConnection).as("threads waiting for a pooled connection (hikaricp_connections_pending)").isZero();
        assertThat(atTheGateway).as("checkouts waiting at the gateway at once").isEqualTo(CROWD);

        List<Timed> waited = new ArrayList<>();
        for (Future<Timed> checkout : crowd) {
            waited.add(checkout.get(2, TimeUnit.MINUTES));
        }
        log.info("the hanging checkouts answered after {} .. {} ms", waited.stream().mapToLong(a -> a.took().toMillis()).min()
                .orElse(0), waited.stream().mapToLong(a -> a.took().toMillis()).max().orElse(0));
        assertThat(waited).allSatisfy(answer -> {
            assertThat(answer.took()).as(answer.toString()).isLessThan(BOUND);
            assertThat(answer.response().status()).as(answer.toString()).isEqualTo(503);
            assertThat(answer.response().contentType()).startsWith("application/problem+json");
            assertThat(answer.response().json().get("detail").asText()).as(answer.toString())
                    .contains("stripe did not answer", "cancelled", "try again");
        });
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM customer_order WHERE buyer_email LIKE 'crowd-%' AND status = 'CANCELLED'""",
                Integer.class)).as("the crowd's orders, cancelled").isEqualTo(CROWD);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM card_key k JOIN customer_order o ON o.id = k.order_id
                WHERE o.buyer_email LIKE 'crowd-%'""", Integer.class)).as("keys held by the crowd's orders").isZero();
        assertThat(shop.stock("SLOW").json().get("available").asInt()).isEqualTo(CROWD + 20 - 2 * CHANNELS.size() - 1);
    }

    private int sessionRequests() {
        return (int) FakeGateway.requests().stream().filter(r -> r.path().equals(SESSIONS))
                .map(r -> r.headers().get("Idempotency-Key")).distinct().count() - 2; // the sessions before the hang
    }

    private static ShopClient.Response pay(ShopClient shop, String channel, Shop.PlacedOrder order) {
        String tradeNo = "T" + order.orderNo();
        return switch (channel) {
            case "sandbox" -> Shop.pay(shop, order, tradeNo);
            case "alipay" -> shop.postForm("/api/payments/alipay/notify", AlipayNotices.paid(order.orderNo(), tradeNo, order.amount()));
            case "epay" -> shop.postForm("/api/payments/epay/notify", EpayNotices.paid(order.orderNo(), tradeNo, order.amount()));
            case "wechat" -> {
                WechatNotifications.Notification notice = WechatNotifications.paid(order.orderNo(), tradeNo, 1250);
                yield shop.send("POST", "/api/payments/wechat/notify", "application/json", notice.body(), notice.headers());
            }
            case "stripe" -> {
                String event = StripeEventsFixture.event("checkout.session.completed",
                        StripeEventsFixture.session(order.orderNo(), "pi_" + tradeNo, 1250, "paid"));
                yield shop.send("POST", "/api/payments/stripe/webhook", "application/json; charset=utf-8", event,
                        Map.of("Stripe-Signature", StripeEventsFixture.sign(event)));
            }
            default -> throw new IllegalArgumentException(channel);
        };
    }

    private static Timed timed(String what, Supplier<ShopClient.Response> call) {
        long start = System.nanoTime();
        ShopClient.Response response = null;
        try {
            response = call.get();
        } catch (RuntimeException noAnswer) {
            // the client's own timeout: recorded as no answer, with the time it took
        }
        return new Timed(what, response, Duration.ofNanos(System.nanoTime() - start));
    }
}
