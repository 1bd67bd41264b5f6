package io.kamiflow.gateway.stripe;

import static io.kamiflow.gateway.stripe.StripeEventsFixture.event;
import static io.kamiflow.gateway.stripe.StripeEventsFixture.paymentIntent;
import static io.kamiflow.gateway.stripe.StripeEventsFixture.session;
import static io.kamiflow.gateway.stripe.StripeEventsFixture.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestGatewayKeys;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/** Stripe events signed by stripe-java, over real HTTP, through the BPMN to the buyer's mailbox. */
class StripeWebhookTest extends IntegrationTest {

    private static final String WEBHOOK = "/api/payments/stripe/webhook";

    private Shop.PlacedOrder placeOrder(ShopClient shop) {
        Shop.productWithKeys(shop, "STRIPE", "12.50", 3);
        // the order is placed with the sandbox channel: no Stripe API behind this test, the webhook is the subject
        return shop.order("STRIPE", 1, "stripe@example.com", "sandbox");
    }

    private ShopClient.Response post(ShopClient shop, String payload, String signature) {
        Map<String, String> headers = new HashMap<>();
        if (signature != null) {
            headers.put("Stripe-Signature", signature);
        }
        return shop.send("POST", WEBHOOK, "application/json; charset=utf-8", payload, headers);
    }

    @Test
    void completedSessionDeliversAndItsPaymentIntentEventIsTheSamePayment() throws Exception {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        String completed = event("checkout.session.completed", session(order.orderNo(), "pi_test_1", 1250, "paid"));

        ShopClient.Response reply = post(shop, completed, sign(completed));

        assertThat(reply.status()).isEqualTo(200);
        awaitDelivered(order.orderNo());
        String succeeded = event("payment_intent.succeeded", paymentIntent(order.orderNo(), "pi_test_1", 1250));
        assertThat(post(shop, succeeded, sign(succeeded)).status()).isEqualTo(200);
        Thread.sleep(500);

        MimeMessage[] mails = TestMail.get().getReceivedMessagesForDomain("stripe@example.com");
        assertThat(mails).hasSize(1);
        String key = shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").get(0).asText();
        assertThat(GreenMailUtil.getBody(mails[0])).contains(key);
        assertThat(jdbc.queryForMap("SELECT channel, trade_no, amount_minor, currency FROM payment"))
                .containsEntry("channel", "stripe").containsEntry("trade_no", "pi_test_1")
                .containsEntry("amount_minor", 1250L).containsEntry("currency", "CNY");
        // the event that recorded the payment is kept for audit; the later event of the same payment changed nothing
        String recordedEvent = new com.fasterxml.jackson.databind.ObjectMapper().readTree(completed).get("id").asText();
        assertThat(jdbc.queryForObject("SELECT event_id FROM payment", String.class)).isEqualTo(recordedEvent);
    }

    @Test
    void asyncPaymentDeliversOnlyWhenItSucceeds() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        String pending = event("checkout.session.completed", session(order.orderNo(), "pi_test_2", 1250, "unpaid"));

        assertThat(post(shop, pending, sign(pending)).status()).isEqualTo(200);
        assertUntouched(order.orderNo());

        String succeeded = event("checkout.session.async_payment_succeeded",
                session(order.orderNo(), "pi_test_2", 1250, "paid"));
        assertThat(post(shop, succeeded, sign(succeeded)).status()).isEqualTo(200);
        awaitDelivered(order.orderNo());
    }

    @Test
    void twentyConcurrentDeliveriesOfOneEventMakeOnePaymentAndOneDelivery() throws Exception {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        String completed = event("checkout.session.completed", session(order.orderNo(), "pi_test_3", 1250, "paid"));
        String signature = sign(completed);

        List<Callable<ShopClient.Response>> storm = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            storm.add(() -> post(shop, completed, signature));
        }
        assertThat(Concurrently.run(20, storm)).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
        awaitDelivered(order.orderNo());

        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM delivery_attempt", Integer.class)).isEqualTo(1);
        assertThat(TestMail.get().getReceivedMessages()).hasSize(1);
    }

    @Test
    void unverifiableEventsAre400AndChangeNothing() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        String completed = event("checkout.session.completed", session(order.orderNo(), "pi_test_4", 1250, "paid"));
        long now = Instant.now().getEpochSecond();

        assertThat(post(shop, completed, sign(completed, "whsec_not_ours", now)).status()).as("bad signature").isEqualTo(400);
        assertThat(post(shop, completed.replace("1250", "1"), sign(completed)).status()).as("tampered amount").isEqualTo(400);
        assertThat(post(shop, completed, sign(completed, TestGatewayKeys.STRIPE_WEBHOOK_SECRET, now - 400)).status())
                .as("stale timestamp").isEqualTo(400);
        assertThat(post(shop, completed, null).status()).as("no signature header").isEqualTo(400);
        assertThat(post(shop, completed, "t=" + now + ",v1=deadbeef").status()).as("garbage signature").isEqualTo(400);
        String malformed = "{\"id\": \"evt_1\", \"type\": ";
        assertThat(post(shop, malformed, sign(malformed)).status()).as("signed malformed JSON").isEqualTo(400);
        Map<String, Object> noAmount = session(order.orderNo(), "pi_test_4", 1250, "paid");
        noAmount.remove("amount_total");
        String missing = event("checkout.session.completed", noAmount);
        assertThat(post(shop, missing, sign(missing)).status()).as("signed, amount missing").isEqualTo(400);
        String wrongObject = event("payment_intent.succeeded", session(order.orderNo(), "pi_test_4", 1250, "paid"));
        assertThat(post(shop, wrongObject, sign(wrongObject)).status()).as("object of the wrong type").isEqualTo(400);

        assertUntouched(order.orderNo());
    }

    @Test
    void verifiedEventsThatPayNothingOfOursAreAcknowledgedAndChangeNothing() {
        ShopClient shop = shop();
        Shop.PlacedOrder order = placeOrder(shop);
        String unknownOrder = event("checkout.session.completed", session("K0000000000000", "pi_test_5", 1250, "paid"));
        String otherType = event("customer.created", Map.of("id", "cus_1", "object", "customer"));
        String expired = event("checkout.session.expired", session(order.orderNo(), "pi_test_5", 1250, "unpaid"));
        Map<String, Object> foreign = paymentIntent(order.orderNo(), "pi_test_6", 1250);
        foreign.put("metadata", Map.of());
        String notOurs = event("payment_intent.succeeded", foreign);

        for (String payload : List.of(unknownOrder, otherType, expired, notOurs)) {
            assertThat(post(shop, payload, sign(payload)).status()).isEqualTo(200);
        }
        assertUntouched(order.orderNo());
    }

    @Test
    void disabledWithoutWebhookSecret() {
        StripeWebhookController disabled = new StripeWebhookController(
                new StripeProperties(null, null, "https://api.stripe.com", null, null, 300), null);
        assertThat(disabled.webhook(new byte[0], "t=1,v1=x").getStatusCode().value()).isEqualTo(404);
    }
}
