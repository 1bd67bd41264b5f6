package io.kamiflow.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.kamiflow.ordering.OrderRepository;
import io.kamiflow.payment.GatewayTimeouts;
import io.kamiflow.payment.PaymentNotice;
import io.kamiflow.payment.PaymentRecorder;
import io.kamiflow.support.FakeGateway;
import io.kamiflow.support.ProcessTest;
import io.kamiflow.support.Shop;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.util.UriUtils;

/**
 * A sandbox gateway whose ledger lives outside kamiflow's database (kamiflow.payment.sandbox.query-url), as after a
 * restore from a backup: the database (and its sandbox ledger table) knows nothing of a payment the gateway took after
 * the dump, so the channel's query must ask the gateway itself, and the payment it reports goes through the recorder
 * compensation uses, once; answers that are not the gateway's (badly signed, about another order) are refused. The
 * channel is built here with the query URL (one Spring context for the whole suite: a second one's job executor would
 * take the other tests' jobs); drill g runs the same path through the payment-compensation process on real nodes.
 */
class SandboxRemoteQueryTest extends ProcessTest {

    private static final String PATH = "/sandbox/query";
    /** The gateway's ledger: order number to trade number; absent: not paid. */
    private static final Map<String, String> PAID = new ConcurrentHashMap<>();

    @Autowired
    SandboxProperties sandbox;
    @Autowired
    SandboxGateway localLedger;
    @Autowired
    GatewayTimeouts timeouts;
    @Autowired
    PaymentRecorder recorder;
    @Autowired
    OrderRepository orders;
    @Autowired
    SandboxChannel configured;

    private SandboxChannel channel;

    @BeforeEach
    void gateway() {
        FakeGateway.reset();
        PAID.clear();
        FakeGateway.on("GET", PATH, request -> {
            Map<String, String> ask = fields(request.query());
            if (!SandboxSignature.verify(ask, ask.get("sign"), sandbox.secret())) {
                return new FakeGateway.Reply(400, Map.of(), "bad sign");
            }
            return answer(ask.get("orderNo"), PAID.get(ask.get("orderNo")), sandbox.secret());
        });
        SandboxProperties remote = new SandboxProperties(sandbox.secret(), sandbox.toleranceSeconds(), false,
                FakeGateway.baseUrl() + PATH);
        channel = new SandboxChannel(remote, localLedger, new SandboxQueryClient(remote, timeouts));
    }

    @AfterEach
    void stopGateway() {
        FakeGateway.reset();
    }

    @Test
    void aPaymentOnlyTheGatewayKnowsIsRecordedAndDeliveredOnce() {
        Shop.productWithKeys(shop, "RQ", "2.00", 2);
        Shop.PlacedOrder order = Shop.order(shop, "RQ", 1, "restored@example.com");
        PAID.put(order.orderNo(), "GW-AFTER-DUMP");
        // the ledger table restored with the database knows nothing: asking it (no query-url) finds no payment
        assertThat(configured.query(orders.findByOrderNo(order.orderNo()).orElseThrow())).isEmpty();

        Optional<PaymentNotice> paid = channel.query(orders.findByOrderNo(order.orderNo()).orElseThrow());
        assertThat(paid).isPresent();
        assertThat(paid.get().tradeNo()).isEqualTo("GW-AFTER-DUMP");
        assertThat(queries()).isEqualTo(1);
        assertThat(recorder.record(paid.get())).isEqualTo(PaymentRecorder.Outcome.RECORDED);
        ProcessInstance instance = instanceFor(order.orderNo());
        executeJob(instance);
        assertThat(instance).isEnded().hasPassed("OrderDelivered");
        assertThat(mailsTo("restored@example.com")).isEqualTo(1);

        // asked again (a second node's check of a list made before the payment): recorded once, delivered once
        Optional<PaymentNotice> again = channel.query(orders.findByOrderNo(order.orderNo()).orElseThrow());
        assertThat(recorder.record(again.orElseThrow())).isEqualTo(PaymentRecorder.Outcome.ALREADY_RECORDED);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'SOLD'", Integer.class)).isEqualTo(1);
        assertThat(mailsTo("restored@example.com")).isEqualTo(1);
    }

    @Test
    void anUnpaidTradeIsNotAPayment() {
        Shop.productWithKeys(shop, "RQN", "2.00", 1);
        Shop.PlacedOrder order = Shop.order(shop, "RQN", 1, "unpaid@example.com");

        assertThat(channel.query(orders.findByOrderNo(order.orderNo()).orElseThrow())).isEmpty();
        assertThat(queries()).isEqualTo(1);
        assertThat(orderStatus(order.orderNo())).isEqualTo("PENDING_PAYMENT");
    }

    @Test
    void anAnswerThatIsNotTheGatewaysIsRefused() {
        Shop.productWithKeys(shop, "RQF", "2.00", 2);
        Shop.PlacedOrder forged = Shop.order(shop, "RQF", 1, "forged@example.com");
        Shop.PlacedOrder other = Shop.order(shop, "RQF", 1, "other@example.com");
        FakeGateway.on("GET", PATH, request -> {
            String orderNo = fields(request.query()).get("orderNo");
            if (orderNo.equals(forged.orderNo())) { // signed with a wrong secret
                return answer(orderNo, "FORGED", "not-the-secret");
            }
            return answer(forged.orderNo(), "WRONG-ORDER", sandbox.secret()); // the gateway's, but about another order
        });

        assertThatThrownBy(() -> channel.query(orders.findByOrderNo(forged.orderNo()).orElseThrow()))
                .hasMessageContaining("not signed");
        assertThatThrownBy(() -> channel.query(orders.findByOrderNo(other.orderNo()).orElseThrow()))
                .hasMessageContaining("another order");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isZero();
        assertThat(orderStatus(forged.orderNo())).isEqualTo("PENDING_PAYMENT");
    }

    private static long queries() {
        return FakeGateway.requests().stream().filter(r -> r.path().equals(PATH)).count();
    }

    private static FakeGateway.Reply answer(String orderNo, String tradeNo, String secret) {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("orderNo", orderNo);
        answer.put("status", tradeNo == null ? "NOT_PAID" : "PAID");
        if (tradeNo != null) {
            answer.put("tradeNo", tradeNo);
            answer.put("amount", "2.00");
            answer.put("currency", "CNY");
        }
        answer.put("timestamp", Long.toString(Instant.now().getEpochSecond()));
        answer.put("sign", SandboxSignature.sign(answer, secret));
        return new FakeGateway.Reply(200, Map.of("Content-Type", "text/plain"), answer.entrySet().stream()
                .map(e -> e.getKey() + "=" + UriUtils.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    private static Map<String, String> fields(String query) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(pair.substring(0, eq), UriUtils.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return fields;
    }
}
