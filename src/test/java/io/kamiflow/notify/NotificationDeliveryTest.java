package io.kamiflow.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.catalog.ProductRepository;
import io.kamiflow.inventory.KeyBatches;
import io.kamiflow.support.HandProducts;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.TestMail;
import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Merchant notifications end to end: real receivers on local ports (a webhook that checks the signature with its own
 * HMAC and fails twice, a fake Telegram), real SMTP, the remote call worker retrying with backoff.
 */
class NotificationDeliveryTest extends IntegrationTest {

    @Autowired
    NotifyTargets targets;
    @Autowired
    Notifications notifications;
    @Autowired
    NotifySettings settings;
    @Autowired
    OverdueWatch watch;
    @Autowired
    KeyBatches batches;
    @Autowired
    ProductRepository products;
    @Autowired
    PlatformTransactionManager transactionManager;

    private final List<WebhookReceiver> receivers = new ArrayList<>();
    private final List<Duration> configuredDelays = List.of(Duration.ofSeconds(30), Duration.ofMinutes(2),
            Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(6));

    @AfterEach
    void restore() {
        receivers.forEach(WebhookReceiver::close);
        settings.setRetryDelays(configuredDelays);
        settings.setTelegramBaseUrl("https://api.telegram.org");
        settings.setTelegramBotToken("");
        settings.setTelegramChatId("");
        settings.setTaskSla(Duration.ofHours(4));
    }

    @Test
    void aPaidOrderIsToldToTheShopsWebhookThroughTwoFailuresAndToTheProductsHookOnce() throws Exception {
        settings.setRetryDelays(List.of(Duration.ofSeconds(1)));
        ShopClient client = new ShopClient(port);
        Shop.productWithKeys(client, "TOPUP-50", "10.00", 5);
        long productId = products.findBySku("TOPUP-50").orElseThrow().id();
        WebhookReceiver shop = receiver(2);
        WebhookReceiver hook = receiver(0);
        NotifyTargets.Created shopTarget = targets.create("shop", NotifyTargets.Kind.WEBHOOK, shop.url("/kamiflow"), null,
                EnumSet.of(NotifyEvent.ORDER_PAID));
        shop.secret(shopTarget.secret());
        NotifyTargets.Created hookTarget = targets.create("top-up", NotifyTargets.Kind.PRODUCT_HOOK, hook.url("/topup"),
                productId, EnumSet.of(NotifyEvent.PRODUCT_HOOK));
        hook.secret(hookTarget.secret());

        Shop.PlacedOrder order = Shop.order(client, "TOPUP-50", 2, "buyer@example.com");
        assertThat(Shop.pay(client, order, "T-NOTIFY-1").body()).isEqualTo("success");
        awaitDelivered(order.orderNo());

        await().atMost(Duration.ofSeconds(30)).until(() -> shop.received().size() >= 3 && hook.received().size() >= 1);
        List<WebhookReceiver.Received> calls = shop.received();
        assertThat(calls).hasSize(3).allSatisfy(call -> {
            assertThat(call.signatureValid()).as("signature of " + call.signature()).isTrue();
            assertThat(call.event()).isEqualTo("order.paid");
            assertThat(call.path()).isEqualTo("/kamiflow");
        });
        assertThat(calls).extracting(WebhookReceiver.Received::eventId).containsOnly(calls.get(0).eventId());
        JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(calls.get(0).body());
        assertThat(body.get("id").asText()).isEqualTo(calls.get(0).eventId());
        assertThat(body.get("createdAt").asText()).endsWith("Z");
        assertThat(body.at("/data/orderNo").asText()).isEqualTo(order.orderNo());
        assertThat(body.at("/data/amount").asText()).isEqualTo("20.00");
        assertThat(body.at("/data").has("email")).as("the shop's webhook needs no buyer email").isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> "SENT".equals(statusOf(calls.get(0).eventId())));
        assertThat(jdbc.queryForMap("SELECT status, attempts FROM notify_delivery WHERE id = ?", calls.get(0).eventId()))
                .containsEntry("status", "SENT").containsEntry("attempts", 3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM notify_delivery WHERE event = 'ORDER_PAID'", Integer.class))
                .isOne();

        Thread.sleep(1500); // no fourth call after the success
        assertThat(shop.received()).hasSize(3);
        assertThat(hook.received()).singleElement().satisfies(call -> {
            assertThat(call.signatureValid()).isTrue();
            assertThat(call.event()).isEqualTo("order.paid.hook");
            JsonNode data = new com.fasterxml.jackson.databind.ObjectMapper().readTree(call.body()).get("data");
            assertThat(data.get("orderNo").asText()).isEqualTo(order.orderNo());
            assertThat(data.get("sku").asText()).isEqualTo("TOPUP-50");
            assertThat(data.get("quantity").asInt()).isEqualTo(2);
            assertThat(data.get("amount").asText()).isEqualTo("20.00");
            assertThat(data.get("currency").asText()).isEqualTo("CNY");
            assertThat(data.get("email").asText()).isEqualTo("buyer@example.com");
            assertThat(data.get("fields")).as("a product delivered from stock asks for no fields").isEmpty();
        });
        JsonNode keys = client.getOrder(order.orderNo(), order.accessToken()).json().get("keys");
        assertThat(keys).hasSize(2);
        for (WebhookReceiver.Received call : allReceived()) {
            assertThat(call.body()).doesNotContain(order.accessToken(), keys.get(0).asText(), keys.get(1).asText());
        }
    }

    @Test
    void theHookOfAHandFulfilledProductCarriesTheBuyersFieldsAndTheShopsWebhookNone() throws Exception {
        ShopClient client = new ShopClient(port);
        HandProducts.product(client, "TOPUP-HAND", "30.00");
        long productId = products.findBySku("TOPUP-HAND").orElseThrow().id();
        WebhookReceiver shop = receiver(0);
        WebhookReceiver hook = receiver(0);
        shop.secret(targets.create("shop", NotifyTargets.Kind.WEBHOOK, shop.url("/kamiflow"), null,
                EnumSet.of(NotifyEvent.ORDER_PAID)).secret());
        hook.secret(targets.create("top-up", NotifyTargets.Kind.PRODUCT_HOOK, hook.url("/topup"), productId,
                EnumSet.of(NotifyEvent.PRODUCT_HOOK)).secret());

        ShopClient.Response placed = HandProducts.createOrder(client, "TOPUP-HAND", 1, "gamer@example.com",
                Map.of("account", "24680135", "server", "华东 \"一区\" <1>"));
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        Shop.PlacedOrder order = new Shop.PlacedOrder(placed.json().get("orderNo").asText(),
                placed.json().get("accessToken").asText(), placed.json().get("amount").asText(),
                placed.json().get("currency").asText());
        assertThat(Shop.pay(client, order, "T-NOTIFY-HAND").body()).isEqualTo("success");

        await().atMost(Duration.ofSeconds(30)).until(() -> shop.received().size() >= 1 && hook.received().size() >= 1);
        assertThat(hook.received()).singleElement().satisfies(call -> {
            assertThat(call.signatureValid()).as("signature of " + call.signature()).isTrue();
            assertThat(call.event()).isEqualTo("order.paid.hook");
            JsonNode data = new com.fasterxml.jackson.databind.ObjectMapper().readTree(call.body()).get("data");
            assertThat(data.get("orderNo").asText()).isEqualTo(order.orderNo());
            assertThat(data.get("email").asText()).isEqualTo("gamer@example.com");
            assertThat(data.get("fields").get("account").asText()).isEqualTo("24680135");
            assertThat(data.get("fields").get("server").asText()).isEqualTo("华东 \"一区\" <1>");
            assertThat(data.get("fields")).hasSize(2);
        });
        assertThat(shop.received()).singleElement().satisfies(call -> {
            assertThat(call.signatureValid()).isTrue();
            JsonNode data = new com.fasterxml.jackson.databind.ObjectMapper().readTree(call.body()).get("data");
            assertThat(data.get("orderNo").asText()).isEqualTo(order.orderNo());
            assertThat(data.has("email")).isFalse();
            assertThat(data.has("fields")).isFalse();
            assertThat(call.body()).doesNotContain("24680135", "gamer@example.com", order.accessToken());
        });
        assertThat(hook.received().get(0).body()).doesNotContain(order.accessToken());
    }

    @Test
    void aPaymentNoticeRepeatedConcurrentlyTellsOfThePaidOrderOnce() throws Exception {
        ShopClient client = new ShopClient(port);
        Shop.productWithKeys(client, "DUP-1", "3.00", 3);
        WebhookReceiver shop = receiver(0);
        shop.secret(targets.create("shop", NotifyTargets.Kind.WEBHOOK, shop.url("/"), null,
                EnumSet.of(NotifyEvent.ORDER_PAID)).secret());
        Shop.PlacedOrder order = Shop.order(client, "DUP-1", 1, "dup@example.com");
        java.util.concurrent.Callable<Integer> notice = () -> Shop.pay(client, order, "T-DUP-1").status();
        assertThat(io.kamiflow.support.Concurrently.run(6, java.util.Collections.nCopies(6, notice))).containsOnly(200);
        awaitDelivered(order.orderNo());
        await().atMost(Duration.ofSeconds(20)).until(() -> shop.received().size() == 1);
        Thread.sleep(1000);
        assertThat(shop.received()).singleElement().satisfies(call -> assertThat(call.signatureValid()).isTrue());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM notify_delivery", Integer.class)).isOne();
    }

    @Test
    void lowStockIsToldToTelegramAfterAnImportAndAgainAfterAVoid() throws Exception {
        WebhookReceiver telegram = receiver(0);
        settings.setTelegramBaseUrl(telegram.url("/tg/"));
        settings.setTelegramBotToken("123456:TEST-BOT-TOKEN");
        settings.setTelegramChatId("-100042");
        targets.create("phone", NotifyTargets.Kind.TELEGRAM, null, null, EnumSet.of(NotifyEvent.LOW_STOCK));
        ShopClient client = new ShopClient(port);
        assertThat(client.createProduct("LOW-1", "5.00", "CNY", 5).status()).isEqualTo(201);

        assertThat(client.importKeys("LOW-1", "SECRET-KEY-AAAA-1111\nSECRET-KEY-BBBB-2222\n").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.received().size() == 1);
        JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(telegram.received().get(0).body());
        assertThat(telegram.received().get(0).path()).isEqualTo("/tg/bot123456:TEST-BOT-TOKEN/sendMessage");
        assertThat(first.get("chat_id").asText()).isEqualTo("-100042");
        assertThat(first.get("text").asText()).contains("LOW-1", "2 keys left", "threshold 5");

        assertThat(client.generateKeys("LOW-1", 10).status()).isEqualTo(200); // 12: above again, re-armed
        String batch = jdbc.queryForObject("""
                SELECT batch_id FROM card_key WHERE product_id = (SELECT id FROM product WHERE sku = 'LOW-1')
                GROUP BY batch_id HAVING count(*) = 10""", String.class);
        assertThat(batches.voidUnsold(products.findBySku("LOW-1").orElseThrow(), batch)).isEqualTo(10);
        await().atMost(Duration.ofSeconds(20)).until(() -> telegram.received().size() == 2);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(telegram.received().get(1).body())
                .get("text").asText()).contains("LOW-1", "2 keys left");
        assertThat(telegram.received()).allSatisfy(call -> assertThat(call.body())
                .doesNotContain("SECRET-KEY", "TEST-BOT-TOKEN"));
        Thread.sleep(1000);
        assertThat(telegram.received()).hasSize(2);
    }

    @Test
    void aTaskPastItsSlaIsMailedOnceHoweverOftenTheCheckRuns() throws Exception {
        engine.getRepositoryService().createDeployment().name("notify-sla-test")
                .addModelInstance("notify-sla-test.bpmn", Bpmn.createExecutableProcess("notify-sla-test")
                        .camundaHistoryTimeToLive(1).startEvent().userTask("ManualDelivery").name("Manual delivery")
                        .endEvent().done()).enableDuplicateFiltering(true).deploy();
        engine.getRuntimeService().startProcessInstanceByKey("notify-sla-test", "K-SLA-1");
        targets.create("admin mail", NotifyTargets.Kind.MAIL, null, null, EnumSet.of(NotifyEvent.TASK_OVERDUE));
        settings.setTaskSla(Duration.ZERO);
        Thread.sleep(20);

        watch.check();
        watch.check();
        java.util.concurrent.Callable<Void> check = () -> {
            watch.check();
            return null;
        };
        io.kamiflow.support.Concurrently.run(4, List.of(check, check, check, check));

        assertThat(jdbc.queryForObject("SELECT count(*) FROM notify_delivery WHERE event = 'TASK_OVERDUE'", Integer.class))
                .isOne();
        await().atMost(Duration.ofSeconds(20)).until(() -> TestMail.get().getReceivedMessages().length >= 1);
        Thread.sleep(500);
        MimeMessage[] mails = TestMail.get().getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).contains("Manual delivery", "K-SLA-1");
    }

    @Test
    void anEventOfARolledBackChangeIsNeverSent() throws Exception {
        WebhookReceiver shop = receiver(0);
        shop.secret(targets.create("shop", NotifyTargets.Kind.WEBHOOK, shop.url("/"), null,
                Set.of(NotifyEvent.ORDER_PAID)).secret());
        new TransactionTemplate(transactionManager).executeWithoutResult(tx -> {
            assertThat(notifications.publish(NotifyEvent.ORDER_PAID, Map.of("orderNo", "K-ROLLED-BACK"))).isOne();
            tx.setRollbackOnly(); // the change it reported did not happen
        });
        Thread.sleep(2500);
        assertThat(shop.received()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM notify_delivery", Integer.class)).isZero();
        assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery()
                .processDefinitionKey(Notifications.PROCESS_KEY).processInstanceBusinessKey("K-ROLLED-BACK").count()).isZero();

        String sent = notifications.publish(NotifyEvent.ORDER_PAID, Map.of("orderNo", "K-COMMITTED")) == 1 ? "yes" : "no";
        assertThat(sent).isEqualTo("yes");
        await().atMost(Duration.ofSeconds(20)).until(() -> shop.received().size() == 1);
        assertThat(shop.received().get(0).body()).contains("K-COMMITTED").doesNotContain("K-ROLLED-BACK");
    }

    private WebhookReceiver receiver(int failFirst) throws java.io.IOException {
        WebhookReceiver receiver = new WebhookReceiver(failFirst);
        receivers.add(receiver);
        return receiver;
    }

    private List<WebhookReceiver.Received> allReceived() {
        return receivers.stream().flatMap(receiver -> receiver.received().stream()).toList();
    }

    private String statusOf(String deliveryId) {
        return jdbc.queryForObject("SELECT status FROM notify_delivery WHERE id = ?", String.class, deliveryId);
    }
}
