package io.kamiflow.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The Cockpit plugin "Orders" over real HTTP, logged into the Camunda webapp like a browser. */
class OrdersPluginTest extends IntegrationTest {

    /** In kamiflow-admin only (not camunda-admin): the grants IdentityBootstrap gives that group are what lets them in. */
    private static final String MERCHANT = "merchant-ops";
    private static final String MERCHANT_PASSWORD = "merchant-ops-password";

    @Autowired
    IdentityService identity;

    @BeforeEach
    void users() {
        SupportDesk.ensureUser(identity);
        SupportDesk.ensureUser(identity, MERCHANT, MERCHANT_PASSWORD, "kamiflow-admin");
    }

    @Test
    void searchFiltersByOrderNoEmailStatusChannelAndTimeAndPages() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "OPS", "9.90", 5);
        Shop.PlacedOrder delivered = Shop.order(shop, "OPS", 1, "Paid.Buyer@example.com");
        Shop.PlacedOrder waiting1 = Shop.order(shop, "OPS", 1, "waiting-one@example.com");
        Shop.PlacedOrder waiting2 = Shop.order(shop, "OPS", 2, "waiting-two@example.com");
        assertThat(Shop.pay(shop, delivered, "OPS-T1").body()).isEqualTo("success");
        awaitDelivered(delivered.orderNo());
        CockpitSession admin = admin();

        JsonNode all = ok(admin.plugin("orders"));
        assertThat(all.get("size").asInt()).isEqualTo(20);
        assertThat(all.get("next").isNull()).as("one page holds them all").isTrue();
        assertThat(orderNos(all)).containsExactly(waiting2.orderNo(), waiting1.orderNo(), delivered.orderNo()); // newest first

        JsonNode byNo = ok(admin.plugin("orders?orderNo=" + delivered.orderNo().substring(0, 22)));
        assertThat(orderNos(byNo)).containsExactly(delivered.orderNo());
        JsonNode row = byNo.get("orders").get(0);
        assertThat(row.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(row.get("amount").asText()).isEqualTo("9.90");
        assertThat(row.get("currency").asText()).isEqualTo("CNY");
        assertThat(row.get("channel").asText()).isEqualTo("sandbox");
        assertThat(row.get("paidAt").isNull()).isFalse();
        assertThat(row.get("deliveredAt").isNull()).isFalse();
        assertThat(orderNos(ok(admin.plugin("orders?orderNo=" + delivered.orderNo().substring(0, 6))))).hasSize(3);

        assertThat(orderNos(ok(admin.plugin("orders?email=paid.buyer%40example.com")))).containsExactly(delivered.orderNo());
        assertThat(orderNos(ok(admin.plugin("orders?status=DELIVERED")))).containsExactly(delivered.orderNo());
        assertThat(orderNos(ok(admin.plugin("orders?status=PENDING_PAYMENT"))))
                .containsExactly(waiting2.orderNo(), waiting1.orderNo());
        assertThat(orderNos(ok(admin.plugin("orders?channel=sandbox")))).hasSize(3);
        assertThat(orderNos(ok(admin.plugin("orders?channel=alipay")))).isEmpty();

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        assertThat(orderNos(ok(admin.plugin("orders?from=" + today + "&to=" + today)))).hasSize(3);
        assertThat(orderNos(ok(admin.plugin("orders?from=" + tomorrow)))).isEmpty();
        assertThat(orderNos(ok(admin.plugin("orders?to=" + Instant.now().minusSeconds(3600))))).isEmpty();

        JsonNode first = ok(admin.plugin("orders?size=2"));
        assertThat(orderNos(first)).containsExactly(waiting2.orderNo(), waiting1.orderNo());
        assertThat(first.get("next").asText()).isEqualTo(waiting1.orderNo());
        JsonNode second = ok(admin.plugin("orders?size=2&after=" + first.get("next").asText()));
        assertThat(orderNos(second)).containsExactly(delivered.orderNo());
        assertThat(second.get("next").isNull()).isTrue();
        assertThat(orderNos(ok(admin.plugin("orders?size=2&status=PENDING_PAYMENT&after=" + waiting2.orderNo()))))
                .as("after and the filters together").containsExactly(waiting1.orderNo());
    }

    @Test
    void pagesWalkOrdersCreatedAtTheSameInstantWithoutSkippingOrRepeatingOne() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "OPS", "9.90", 4);
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            placed.add(Shop.order(shop, "OPS", 1, "same" + i + "@example.com").orderNo());
        }
        jdbc.update("UPDATE customer_order SET created_at = TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00+00'");
        CockpitSession admin = admin();
        List<String> walked = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = ok(admin.plugin("orders?size=1" + (after == null ? "" : "&after=" + after)));
            walked.addAll(orderNos(page));
            after = page.get("next").isNull() ? null : page.get("next").asText();
        } while (after != null);
        java.util.Collections.reverse(placed); // newest first: the same instant, so by id
        assertThat(walked).containsExactlyElementsOf(placed);
    }

    @Test
    void badParametersAre400ProblemsThatSayWhatIsWrong() {
        CockpitSession admin = admin();
        assertProblem(admin.plugin("orders?size=0"), 400, "size");
        assertProblem(admin.plugin("orders?size=101"), 400, "size");
        assertProblem(admin.plugin("orders?after=abc%25"), 400, "after");
        assertProblem(admin.plugin("orders?after=NO-SUCH-ORDER"), 400, "after: no order NO-SUCH-ORDER");
        assertProblem(admin.plugin("orders?page=2"), 400, "unknown parameter 'page'");
        assertProblem(admin.plugin("orders?status=LOST"), 400, "status");
        assertProblem(admin.plugin("orders?channel=Not%20A%20Channel"), 400, "channel");
        assertProblem(admin.plugin("orders?email=nobody"), 400, "email");
        assertProblem(admin.plugin("orders?orderNo=abc%25"), 400, "orderNo");
        assertProblem(admin.plugin("orders?from=yesterday"), 400, "from");
        assertProblem(admin.plugin("orders?from=2026-02-01&to=2026-01-01"), 400, "from must be before to");
        assertProblem(admin.plugin("orders?state=PAID"), 400, "unknown parameter 'state'");
        assertProblem(admin.plugin("orders?size=5&size=6"), 400, "size");
        assertProblem(admin.plugin("orders/NO-SUCH-ORDER"), 404, "no order NO-SUCH-ORDER");
    }

    @Test
    void timelineOfADeliveredOrderShowsEveryStepFromHistoryAndNoKeyValue() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "OPS", "9.90", 3);
        Shop.PlacedOrder order = Shop.order(shop, "OPS", 2, "timeline@example.com");
        assertThat(Shop.pay(shop, order, "OPS-T2").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        List<String> keys = new ArrayList<>(); // the buyer's view reveals them, so the timeline has a page reveal too
        shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").forEach(key -> keys.add(key.asText()));
        assertThat(keys).hasSize(2);
        CockpitSession admin = admin();

        ShopClient.Response response = admin.plugin("orders/" + order.orderNo());
        JsonNode timeline = ok(response);
        assertThat(timeline.get("order").get("status").asText()).isEqualTo("DELIVERED");
        assertThat(timeline.get("cockpitLink").isNull()).as("no running instance").isTrue();
        assertThat(timeline.get("keys").get("sold").asInt()).isEqualTo(2);
        List<JsonNode> events = StreamSupport.stream(timeline.get("events").spliterator(), false).toList();
        assertThat(events).extracting(e -> e.get("kind").asText())
                .contains("CHECKOUT", "PAYMENT", "CLAIM", "DELIVERY_ATTEMPT", "KEY_REVEAL", "PROCESS");
        assertThat(events.get(0).get("kind").asText()).isEqualTo("CHECKOUT");
        JsonNode payment = event(events, "PAYMENT");
        assertThat(payment.get("detail").get("trade no").asText()).isEqualTo("OPS-T2");
        assertThat(payment.get("detail").get("channel").asText()).isEqualTo("sandbox");
        assertThat(payment.get("detail").get("amount").asText()).isEqualTo("19.80 CNY");
        assertThat(payment.get("detail").get("review").asText()).startsWith("accepted");
        assertThat(event(events, "CLAIM").get("detail").get("keys").asText()).isEqualTo("2");
        JsonNode attempt = event(events, "DELIVERY_ATTEMPT");
        assertThat(attempt.get("detail").get("outcome").asText()).isEqualTo("sent (the mail server took it)");
        assertThat(attempt.get("detail").get("recipient").asText()).isEqualTo("timeline@example.com");
        assertThat(events).filteredOn(e -> e.get("kind").asText().equals("KEY_REVEAL"))
                .extracting(e -> e.get("detail").get("how").asText())
                .contains("handed to SMTP in a key mail", "shown on the order page");
        assertThat(events).extracting(e -> e.get("title").asText()).contains("Order fulfillment ended: completed");
        assertThat(timeline.get("processes").get(0).get("state").asText()).isEqualTo("COMPLETED");
        // times ascend
        List<Instant> times = events.stream().map(e -> Instant.parse(e.get("at").asText())).toList();
        assertThat(times).isSorted();

        String list = admin.plugin("orders").body();
        for (String key : keys) {
            assertThat(response.body()).doesNotContain(key);
            assertThat(list).doesNotContain(key);
        }
    }

    @Test
    void aRunningOrderLinksToItsInstanceAndShowsItsOpenTaskThenWhoCompletedItAndTheRefund() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "OPS", "9.90", 1);
        Shop.PlacedOrder order = Shop.order(shop, "OPS", 1, "review@example.com");
        shop.sandboxNotify(ShopClient.signedNotice(order.orderNo(), "OPS-T3", "1.00", "CNY")); // too little: Review payment
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.getTaskService().createTaskQuery().count() == 1);
        String instanceId = engine.getRuntimeService().createProcessInstanceQuery()
                .processInstanceBusinessKey(order.orderNo()).singleResult().getId();

        // a kamiflow-admin who is no camunda-admin sees the same, tasks included (read through the plugin's grant)
        JsonNode timeline = ok(merchant().plugin("orders/" + order.orderNo()));
        assertThat(timeline.get("cockpitLink").asText()).isEqualTo("#/process-instance/" + instanceId);
        List<JsonNode> events = StreamSupport.stream(timeline.get("events").spliterator(), false).toList();
        JsonNode task = event(events, "TASK");
        assertThat(task.get("title").asText()).isEqualTo("Task opened: Review payment for order " + order.orderNo());
        assertThat(task.get("detail").get("state").asText()).isEqualTo("open");
        assertThat(event(events, "PAYMENT").get("detail").get("review").asText()).startsWith("not this order's payment");

        // support refunds it in the task: afterwards the task is done by them, the refund and the audit row are there
        String taskId = engine.getTaskService().createTaskQuery().singleResult().getId();
        identity.setAuthentication(SupportDesk.USER, List.of("kamiflow-support")); // as Tasklist does: with their groups
        try {
            engine.getTaskService().claim(taskId, SupportDesk.USER);
            engine.getTaskService().complete(taskId, java.util.Map.of("reviewDecision", "refund"));
        } finally {
            identity.clearAuthentication();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> "REFUNDED".equals(
                jdbc.queryForObject("SELECT status FROM customer_order", String.class))
                && engine.getRuntimeService().createProcessInstanceQuery().processInstanceBusinessKey(order.orderNo()).count() == 0);
        JsonNode after = ok(admin().plugin("orders/" + order.orderNo()));
        assertThat(after.get("cockpitLink").isNull()).isTrue();
        List<JsonNode> later = StreamSupport.stream(after.get("events").spliterator(), false).toList();
        JsonNode done = later.stream().filter(e -> e.get("title").asText().startsWith("Task completed: Review payment"))
                .findFirst().orElseThrow(() -> new AssertionError("no completed task in " + later));
        assertThat(done.get("detail").get("completed by").asText()).isEqualTo(SupportDesk.USER);
        JsonNode refund = event(later, "REFUND");
        assertThat(refund.get("detail").get("trade no").asText()).isEqualTo("OPS-T3");
        assertThat(refund.get("detail").get("refund status").asText()).isNotBlank();
        assertThat(later).filteredOn(e -> e.get("kind").asText().equals("AUDIT"))
                .extracting(e -> e.get("title").asText() + " by " + e.get("detail").get("by").asText())
                .contains("Support decided in \"Review payment\": return the payment by " + SupportDesk.USER); // in words
    }

    @Test
    void onlyUsersWithTheKamiflowOrdersGrantGetIn() {
        CockpitSession admin = admin();
        assertThat(ok(admin.plugin("access")).get("allowed").asBoolean()).isTrue();
        assertThat(ok(merchant().plugin("access")).get("allowed").asBoolean()).isTrue();

        // support may not open Cockpit at all; logged into Tasklist, the plugin's API is outside support's allowlist
        // (SupportApiAllowlistTest): refused before the plugin runs (users without the grant: OrdersPluginBrowserTest)
        assertThat(new CockpitSession(port, "cockpit", SupportDesk.USER, SupportDesk.PASSWORD).loginStatus).isIn(401, 403);
        CockpitSession support = new CockpitSession(port, "tasklist", SupportDesk.USER, SupportDesk.PASSWORD);
        assertThat(support.loginStatus).isEqualTo(200);
        assertProblem(support.plugin("access"), 403, "kamiflow-support may make the calls Tasklist needs");
        assertProblem(support.plugin("orders"), 403, "kamiflow-support may make the calls Tasklist needs");
        assertProblem(support.plugin("orders/ANY"), 403, "kamiflow-support may make the calls Tasklist needs");

        // not logged in: Camunda's own filter refuses before the plugin runs
        CockpitSession nobody = new CockpitSession(port, "cockpit", "admin", "wrong-password");
        assertThat(nobody.loginStatus).isEqualTo(401);
        assertThat(nobody.plugin("orders").status()).isIn(401, 403);
    }

    private CockpitSession admin() {
        CockpitSession session = new CockpitSession(port, "cockpit", ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD);
        assertThat(session.loginStatus).isEqualTo(200);
        return session;
    }

    private CockpitSession merchant() {
        CockpitSession session = new CockpitSession(port, "cockpit", MERCHANT, MERCHANT_PASSWORD);
        assertThat(session.loginStatus).as("kamiflow-admin may log into Cockpit").isEqualTo(200);
        return session;
    }

    private static JsonNode ok(ShopClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        return response.json();
    }

    private static void assertProblem(ShopClient.Response response, int status, String detailPart) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("status").asInt()).isEqualTo(status);
        assertThat(response.json().get("detail").asText()).contains(detailPart);
    }

    private static List<String> orderNos(JsonNode page) {
        return StreamSupport.stream(page.get("orders").spliterator(), false).map(o -> o.get("orderNo").asText()).toList();
    }

    private static JsonNode event(List<JsonNode> events, String kind) {
        return events.stream().filter(e -> e.get("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " event in " + events));
    }
}
