package io.kamiflow.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.delivery.DeliveryProperties;
import io.kamiflow.fulfillment.UnknownTrades;
import io.kamiflow.payment.GatewayTimeouts;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.util.UriUtils;

/**
 * After a restore the orders placed and paid after the dump are gone, and compensation (which asks about orders we
 * know) cannot find their payments: the owner's command lists the gateway's paid trades and records each one whose
 * order the shop lacks once, alerting the owner once. The remote ledger is played by an HTTP server here with the
 * signing the channel checks (the channel built with its URL, as in SandboxRemoteQueryTest: one Spring context for
 * the suite); the HTTP command runs against the configured channel, whose ledger is the sandbox_trade table.
 */
class UnknownTradesTest extends IntegrationTest {

    private static final String PATH = "/ledger";
    private static final String COMMAND = "/api/admin/gateway-trades/unknown";
    /** The gateway's bill: paid trades as {tradeNo, orderNo, amount}. */
    private static final List<String[]> BILL = new ArrayList<>();

    @Autowired
    SandboxProperties sandbox;
    @Autowired
    SandboxGateway localLedger;
    @Autowired
    GatewayTimeouts timeouts;
    @Autowired
    UnknownTrades unknownTrades;
    @Autowired
    DeliveryProperties delivery;

    private SandboxChannel remoteChannel;
    private final List<Map<String, String>> asked = new ArrayList<>();

    @BeforeEach
    void ledger() {
        FakeGateway.reset();
        BILL.clear();
        FakeGateway.on("GET", PATH + "/trades", request -> {
            Map<String, String> ask = fields(request.query());
            asked.add(ask);
            if (!SandboxSignature.verify(ask, ask.get("sign"), sandbox.secret())) {
                return new FakeGateway.Reply(400, Map.of(), "bad sign");
            }
            return bill(ask, sandbox.secret());
        });
        SandboxProperties remote = new SandboxProperties(sandbox.secret(), sandbox.toleranceSeconds(), false,
                FakeGateway.baseUrl() + PATH);
        remoteChannel = new SandboxChannel(remote, localLedger, new SandboxQueryClient(remote, timeouts));
    }

    @AfterEach
    void stopLedger() {
        FakeGateway.reset();
    }

    @Test
    void aTradeForAnOrderTheShopLacksIsRecordedAndAlertedOnce() throws Exception {
        Shop.productWithKeys(shop(), "UT", "2.00", 2);
        Shop.PlacedOrder known = Shop.order(shop(), "UT", 1, "known@example.com");
        BILL.add(new String[] {"GW-KNOWN", known.orderNo(), "2.00"});
        BILL.add(new String[] {"GW-GHOST", "GHOST-AFTER-DUMP", "7.50"});
        Instant since = Instant.now().minusSeconds(600);

        UnknownTrades.Report first = unknownTrades.check(remoteChannel, since);

        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).get("from")).isEqualTo(Long.toString(since.getEpochSecond()));
        assertThat(first.checked()).isEqualTo(2);
        assertThat(first.newlyFound()).isEqualTo(1);
        assertThat(first.unknown()).extracting(UnknownTrades.Found::orderNo).containsExactly("GHOST-AFTER-DUMP");
        assertThat(first.unknown().get(0).amount()).isEqualTo("7.50");
        assertThat(first.unknown().get(0).newlyFound()).isTrue();
        assertThat(jdbc.queryForList("SELECT trade_no FROM unknown_trade", String.class)).containsExactly("GW-GHOST");
        await().atMost(Duration.ofSeconds(60)).until(() -> mailsTo(delivery.adminEmail()) == 1);
        MimeMessage mail = TestMail.get().getReceivedMessagesForDomain(delivery.adminEmail())[0];
        assertThat(mail.getSubject()).contains("GHOST-AFTER-DUMP").contains("does not have");
        assertThat(mail.getContent().toString()).contains("GW-GHOST").contains("7.50").contains("Refund it at the gateway");

        UnknownTrades.Report again = unknownTrades.check(remoteChannel, since);

        assertThat(again.checked()).isEqualTo(2);
        assertThat(again.newlyFound()).isZero();
        assertThat(again.unknown()).extracting(UnknownTrades.Found::tradeNo).containsExactly("GW-GHOST");
        assertThat(again.unknown().get(0).newlyFound()).isFalse();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM unknown_trade", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin_alert WHERE kind = 'UNKNOWN_TRADE'", Integer.class)).isEqualTo(1);
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey("admin-alert")
                .processInstanceBusinessKey("sandbox:GW-GHOST").count()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'gateway-trades.unknown'", Integer.class))
                .isEqualTo(2);
        assertThat(mailsTo(delivery.adminEmail())).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isZero(); // nothing else is touched
    }

    @Test
    void ownersRunningTheCommandAtOnceRecordAndAlertEachTradeOnce() throws Exception {
        for (int i = 0; i < 5; i++) {
            BILL.add(new String[] {"GW-RACE-" + i, "GHOST-RACE-" + i, "1.00"});
        }
        Instant since = Instant.now().minusSeconds(600);
        List<java.util.concurrent.Callable<UnknownTrades.Report>> runs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            runs.add(() -> unknownTrades.check(remoteChannel, since));
        }

        List<UnknownTrades.Report> reports = io.kamiflow.support.Concurrently.run(6, runs);

        assertThat(reports).allSatisfy(report -> assertThat(report.unknown()).hasSize(5));
        assertThat(reports.stream().mapToInt(UnknownTrades.Report::newlyFound).sum()).isEqualTo(5);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM unknown_trade", Integer.class)).isEqualTo(5);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin_alert WHERE kind = 'UNKNOWN_TRADE'", Integer.class)).isEqualTo(5);
        await().atMost(Duration.ofSeconds(60)).until(() -> mailsTo(delivery.adminEmail()) == 5);
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().processDefinitionKey("admin-alert")
                .processInstanceBusinessKeyLike("sandbox:GW-RACE-%").count()).isEqualTo(5); // history outlives the test
    }

    @Test
    void aBillThatIsNotTheGatewaysIsRefusedAndRecordsNothing() {
        BILL.add(new String[] {"GW-FORGED", "FORGED-1", "1.00"});
        FakeGateway.on("GET", PATH + "/trades", request -> bill(fields(request.query()), "not-the-secret"));

        assertThatThrownBy(() -> unknownTrades.check(remoteChannel, Instant.now().minusSeconds(60)))
                .hasMessageContaining("not signed");
        // the gateway's signature, but a replayed bill of another window
        FakeGateway.on("GET", PATH + "/trades", request -> {
            Map<String, String> ask = new LinkedHashMap<>(fields(request.query()));
            ask.put("from", Long.toString(Long.parseLong(ask.get("from")) - 86400));
            return bill(ask, sandbox.secret());
        });
        assertThatThrownBy(() -> unknownTrades.check(remoteChannel, Instant.now().minusSeconds(60)))
                .hasMessageContaining("another window");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM unknown_trade", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin_alert", Integer.class)).isZero();
    }

    @Test
    void theOwnersCommandOverHttpRecordsOnceAndAnswersWithTheUnknownTrades() {
        Shop.productWithKeys(shop(), "UTH", "3.00", 2);
        Shop.PlacedOrder known = Shop.order(shop(), "UTH", 1, "knownhttp@example.com");
        ledgerRow("SB-KNOWN", known.orderNo(), Instant.now().minusSeconds(30));
        ledgerRow("SB-GHOST", "GHOST-HTTP", Instant.now().minusSeconds(20));
        ledgerRow("SB-OLD", "GHOST-BEFORE", Instant.now().minusSeconds(7200)); // before the window
        String since = Instant.now().minusSeconds(600).toString();

        ShopClient.Response first = shop().admin("POST", COMMAND + "?since=" + since + "&channel=sandbox", "text/plain", "");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode report = first.json();
        assertThat(report.get("checked").asInt()).isEqualTo(2);
        assertThat(report.get("newlyFound").asInt()).isEqualTo(1);
        assertThat(report.get("unknown")).hasSize(1);
        assertThat(report.get("unknown").get(0).get("orderNo").asText()).isEqualTo("GHOST-HTTP");
        assertThat(report.get("unknown").get(0).get("amount").asText()).isEqualTo("3.00");
        assertThat(report.get("unknown").get(0).get("paidAt").asText()).endsWith("Z");
        assertThat(jdbc.queryForObject("SELECT actor FROM audit_event WHERE action = 'gateway-trades.unknown'", String.class))
                .isEqualTo(ShopClient.ADMIN_USER);

        JsonNode again = shop().admin("POST", COMMAND + "?since=" + since + "&channel=sandbox", "text/plain", "").json();
        assertThat(again.get("newlyFound").asInt()).isZero();
        assertThat(again.get("unknown")).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM unknown_trade", Integer.class)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> mailsTo(delivery.adminEmail()) == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin_alert WHERE kind = 'UNKNOWN_TRADE'", Integer.class)).isEqualTo(1);
    }

    @Test
    void badInputIs400AndOnlyTheOwnerMayAsk() {
        for (String query : List.of("?since=yesterday&channel=sandbox", "?channel=sandbox",
                "?since=" + Instant.now().plusSeconds(3600) + "&channel=sandbox",
                "?since=2026-01-01T00:00:00Z&channel=nosuchgateway", "?since=2026-01-01T00:00:00Z")) {
            ShopClient.Response response = shop().admin("POST", COMMAND + query, "text/plain", "");
            assertThat(response.status()).as(query + " " + response.body()).isEqualTo(400);
            assertThat(response.contentType()).contains("application/problem+json");
            assertThat(response.json().get("detail").asText()).isNotBlank();
        }
        String ok = COMMAND + "?since=2026-01-01T00:00:00Z&channel=sandbox";
        assertThat(shop().send("POST", ok, "text/plain", "", Map.of()).status()).isEqualTo(401);
        SupportDesk.ensureUser(engine.getIdentityService());
        String support = Base64.getEncoder().encodeToString((SupportDesk.USER + ":" + SupportDesk.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        assertThat(shop().send("POST", ok, "text/plain", "", Map.of("Authorization", "Basic " + support)).status())
                .isEqualTo(403);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'gateway-trades.unknown'", Integer.class))
                .isZero();
    }

    private void ledgerRow(String tradeNo, String orderNo, Instant paidAt) {
        jdbc.update("INSERT INTO sandbox_trade (trade_no, order_no, amount_minor, currency, status, paid_at) VALUES (?, ?, 300, 'CNY', 'PAID', ?)",
                tradeNo, orderNo, Timestamp.from(paidAt));
    }

    private static FakeGateway.Reply bill(Map<String, String> ask, String secret) {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("from", ask.get("from"));
        answer.put("to", ask.get("to"));
        answer.put("count", Integer.toString(BILL.size()));
        long paidAt = Instant.now().minusSeconds(5).getEpochSecond();
        for (int i = 0; i < BILL.size(); i++) {
            answer.put("trade." + i + ".tradeNo", BILL.get(i)[0]);
            answer.put("trade." + i + ".orderNo", BILL.get(i)[1]);
            answer.put("trade." + i + ".amount", BILL.get(i)[2]);
            answer.put("trade." + i + ".currency", "CNY");
            answer.put("trade." + i + ".paidAt", Long.toString(paidAt));
        }
        answer.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        answer.put("sign", SandboxSignature.sign(answer, secret));
        return new FakeGateway.Reply(200, Map.of("Content-Type", "text/plain"), answer.entrySet().stream()
                .map(e -> e.getKey() + "=" + UriUtils.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    private static Map<String, String> fields(String query) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(pair.substring(0, eq), UriUtils.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }
}
