package io.kamiflow.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Key values live encrypted in card_key and nowhere else: not in logs, variables, history or byte arrays. */
@ExtendWith(OutputCaptureExtension.class)
class SecrecyTest extends IntegrationTest {

    @Test
    void deliveredKeysAppearNowhereButTheBuyersView(CapturedOutput output) {
        ShopClient shop = shop();
        assertThat(shop.createProduct("SECRET", "99.00", "CNY", 0).status()).isEqualTo(201);
        List<String> keys = List.of("SECRET-KEY-ALPHA-7Q2W", "SECRET-KEY-BRAVO-9Z3X", "SECRET-KEY-CHARLIE-4K8M");
        assertThat(shop.importKeys("SECRET", String.join("\n", keys)).json().get("imported").asInt()).isEqualTo(3);
        Shop.PlacedOrder order = Shop.order(shop, "SECRET", 3, "vault@example.com");
        assertThat(Shop.pay(shop, order, "SECRET-TRADE").body()).isEqualTo("success");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "DELIVERED".equals(shop.getOrder(order.orderNo(), order.accessToken()).json().get("status").asText()));

        List<String> delivered = new ArrayList<>();
        shop.getOrder(order.orderNo(), order.accessToken()).json().get("keys").forEach(k -> delivered.add(k.asText()));
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(keys);

        String camundaText = String.join("\n", jdbc.queryForList(
                "SELECT coalesce(text_, '') || ' ' || coalesce(text2_, '') FROM act_ru_variable", String.class))
                + String.join("\n", jdbc.queryForList(
                "SELECT coalesce(text_, '') || ' ' || coalesce(text2_, '') FROM act_hi_varinst", String.class))
                + String.join("\n", jdbc.queryForList(
                "SELECT coalesce(text_, '') || ' ' || coalesce(text2_, '') FROM act_hi_detail",
                String.class))
                + String.join("\n", jdbc.queryForList(
                "SELECT coalesce(business_key_, '') || ' ' || coalesce(delete_reason_, '') FROM act_hi_procinst", String.class));
        StringBuilder byteArrays = new StringBuilder();
        jdbc.query("SELECT bytes_ FROM act_ge_bytearray WHERE bytes_ IS NOT NULL", rs -> {
            byteArrays.append(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1));
        });
        StringBuilder ciphertexts = new StringBuilder();
        jdbc.query("SELECT secret_ciphertext FROM card_key", rs -> {
            ciphertexts.append(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1));
        });

        for (String key : keys) {
            assertThat(output.getAll()).doesNotContain(key);
            assertThat(camundaText).doesNotContain(key);
            assertThat(byteArrays.toString()).doesNotContain(key);
            assertThat(ciphertexts.toString()).doesNotContain(key);
        }
        // the scan really read this order's engine rows (a happy order has no variables: its order no is the business key)
        assertThat(camundaText).contains(order.orderNo());
        assertThat(byteArrays.length()).isPositive();
    }

    @Test
    void anUnexpectedFailureAnswersProblemJsonWithAReferenceAndNoKeyMaterial(CapturedOutput output) {
        ShopClient shop = shop();
        assertThat(shop.createProduct("BROKEN", "5.00", "CNY", 0).status()).isEqualTo(201);
        shop.importKeys("BROKEN", "BROKEN-KEY-VALUE-1");
        Shop.PlacedOrder order = Shop.order(shop, "BROKEN", 1, "broken@example.com");
        Shop.pay(shop, order, "BROKEN-TRADE");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(
                jdbc.queryForObject("SELECT status FROM customer_order", String.class)));
        jdbc.update("UPDATE card_key SET secret_key_id = 'retired'"); // a key id no longer configured

        ShopClient.Response response = shop.getOrder(order.orderNo(), order.accessToken());

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.contentType()).startsWith("application/problem+json");
        String detail = response.json().get("detail").asText();
        assertThat(detail).startsWith("internal error; quote reference ");
        String reference = detail.substring("internal error; quote reference ".length(), detail.indexOf(" to support"));
        assertThat(output.getAll()).contains(reference).contains("no decryption key configured for key id 'retired'")
                .doesNotContain("BROKEN-KEY-VALUE-1");
        assertThat(response.body()).doesNotContain("BROKEN-KEY-VALUE-1");
    }
}
