package io.kamiflow.gateway.epay;

import static io.kamiflow.gateway.epay.EpayNotices.with;
import static io.kamiflow.gateway.epay.EpayNotices.without;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.web.util.UriComponentsBuilder;

/** 易支付 notices by GET and POST over real HTTP, through the BPMN to the buyer's mailbox; and its checkout URL. */
class EpayNotifyTest extends IntegrationTest {

    private static final String NOTIFY = "/api/payments/epay/notify";

    private Shop.PlacedOrder placeOrder(ShopClient shop) {
        Shop.productWithKeys(shop, "EPAY", "6.60", 3);
        return shop.order("EPAY", 1, "epay@example.com", "epay");
    }

    private ShopClient.Response get(ShopClient shop, Map<String, String> notice) {
        return shop.send("GET", NOTIFY + "?" + ShopClient.form(notice), null, null, Map.of());
    }

    @Test
    void paidNoticeByGetDeliversTheKey() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);

        ShopClient.Response reply = get(shop, EpayNotices.paid(order.orderNo(), "EP2025010100001", "6.60"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("success");
        awaitDelivered(order.orderNo());
        MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain("epay@example.com");
        assertThat(mails).hasSize(1);
        String key = shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").get(0).asText();
        assertThat(GreenMailUtil.getBody(mails[0])).contains(key);
        assertThat(jdbc.queryForMap("SELECT channel, trade_no, amount_minor FROM payment"))
                .containsEntry("channel", "epay").containsEntry("trade_no", "EP2025010100001").containsEntry("amount_minor", 660L);
    }

    @Test
    void twentyConcurrentPostsMakeOnePaymentAndOneDelivery() throws Exception {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        Map<String, String> notice = EpayNotices.paid(order.orderNo(), "EP2025010100002", "6.60");

        List<Callable<ShopClient.Response>> storm = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            storm.add(i % 2 == 0 ? () -> shop.postForm(NOTIFY, notice) : () -> get(shop, notice));
        }
        assertThat(Concurrently.run(20, storm)).allSatisfy(reply -> assertThat(reply.body()).isEqualTo("success"));
        awaitDelivered(order.orderNo());

        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt", Integer.class)).isEqualTo(1);
        assertThat(TestMail.get().getReceivedMessages()).hasSize(1);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                bad("bad signature (other key)", n -> EpayNotices.signed(n, "not-the-key"), 400),
                bad("tampered amount", n -> with(n, "money", "0.01"), 400),
                bad("tampered status", n -> with(n, "trade_status", "TRADE_SUCCESS "), 400),
                bad("wrong pid", n -> EpayNotices.signed(with(n, "pid", "2002"), TestGatewayKeys.EPAY_KEY), 400),
                bad("unknown order", n -> EpayNotices.signed(with(n, "out_trade_no", "K0000000000000"), TestGatewayKeys.EPAY_KEY), 404),
                bad("missing trade_no", n -> EpayNotices.signed(without(n, "trade_no"), TestGatewayKeys.EPAY_KEY), 400),
                bad("malformed money", n -> EpayNotices.signed(with(n, "money", "6.6.0"), TestGatewayKeys.EPAY_KEY), 400),
                bad("sign removed", n -> without(n, "sign"), 400),
                bad("empty query", n -> new TreeMap<>(), 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectedNoticeChangesNothing(String name, UnaryOperator<Map<String, String>> tamper, int status) {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);

        ShopClient.Response reply = get(shop, tamper.apply(EpayNotices.paid(order.orderNo(), "EP2025010100003", "6.60")));

        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.body()).isEqualTo("fail");
        assertUntouched(order.orderNo());
    }

    @Test
    void unpaidStatusIsAcknowledgedAndChangesNothing() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);

        ShopClient.Response reply = get(shop, EpayNotices.withStatus(order.orderNo(), "EP2025010100004", "6.60", "TRADE_CLOSED"));

        assertThat(reply.body()).isEqualTo("success");
        assertUntouched(order.orderNo());
    }

    @Test
    void checkoutAnswersASignedSubmitUrl() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "EPAY", "6.60", 3);
        JsonNode payment = shop.createOrder("EPAY", 2, "epay@example.com", "epay").json().get("payment");

        URI url = URI.create(payment.get("payUrl").asText());
        assertThat(url.getHost()).isEqualTo("epay.example");
        assertThat(url.getPath()).isEqualTo("/submit.php");
        Map<String, String> fields = new LinkedHashMap<>();
        UriComponentsBuilder.fromUri(url).build(true).getQueryParams().forEach((k, v) ->
                fields.put(k, java.net.URLDecoder.decode(v.get(0), java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(fields).containsEntry("pid", TestGatewayKeys.EPAY_PID).containsEntry("money", "13.20")
                .containsEntry("notify_url", "https://shop.example/api/payments/epay/notify")
                .containsEntry("sign_type", "MD5").containsKey("out_trade_no").containsKey("name");
        assertThat(fields.get("sign")).isEqualTo(EpayNotices.signed(fields, TestGatewayKeys.EPAY_KEY).get("sign"));
    }

    private static Arguments bad(String name, UnaryOperator<Map<String, String>> tamper, int status) {
        return Arguments.of(name, tamper, status);
    }
}
