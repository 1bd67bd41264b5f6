package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.Concurrently;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/admin/products/{sku}/batches} and {@code POST .../batches/{id}/void} over real HTTP: counts per
 * status, times in UTC; voiding touches only unsold keys (never a reserved, sold or revealed one), is audited, and a
 * void racing many checkouts for the same keys gives each key to exactly one of them.
 */
class KeyBatchApiTest extends IntegrationTest {

    private static String keys(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).collect(Collectors.joining("\n"));
    }

    @Test
    void batchesAreListedAndVoidingLeavesReservedSoldAndRevealedKeysAlone() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "BATCHED", "4.00", 0);
        Shop.productWithKeys(shop, "ELSEWHERE", "4.00", 0);
        assertThat(shop.importKeys("BATCHED", keys("FIRST", 5)).json().get("imported").asInt()).isEqualTo(5);
        assertThat(shop.importKeys("ELSEWHERE", keys("THEIRS", 2)).status()).isEqualTo(200);

        // one key sold and revealed (the mail), one reserved by an unpaid checkout, both from the first batch
        Shop.PlacedOrder paid = Shop.order(shop, "BATCHED", 1, "paid@batch.example");
        assertThat(Shop.pay(shop, paid, "BATCH-PAID").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM card_key WHERE status = 'SOLD' AND revealed_at IS NOT NULL", Integer.class) == 1);
        Shop.order(shop, "BATCHED", 1, "waiting@batch.example");
        assertThat(shop.generateKeys("BATCHED", 3).status()).isEqualTo(200);

        JsonNode batches = shop.admin("GET", "/api/admin/products/BATCHED/batches", null, null).json();
        assertThat(batches).hasSize(2);
        JsonNode generated = batches.get(0);
        JsonNode first = batches.get(1);
        assertThat(first.get("importedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        assertThat(first.get("available").asInt()).isEqualTo(3);
        assertThat(first.get("reserved").asInt()).isEqualTo(1);
        assertThat(first.get("sold").asInt()).isEqualTo(1);
        assertThat(first.get("void").asInt()).isZero();
        assertThat(generated.get("available").asInt()).isEqualTo(3);
        String firstId = first.get("id").asText();
        assertThat(batches.toString()).doesNotContain("FIRST-");

        ShopClient.Response voided = shop.admin("POST", "/api/admin/products/BATCHED/batches/" + firstId + "/void", null, null);
        assertThat(voided.status()).as(voided.body()).isEqualTo(200);
        assertThat(voided.json().get("voided").asInt()).isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT status FROM card_key WHERE batch_id = ? ORDER BY status", String.class, firstId))
                .containsExactly("RESERVED", "SOLD", "VOID", "VOID", "VOID");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE revealed_at IS NOT NULL AND status = 'SOLD'",
                Integer.class)).isEqualTo(1);
        assertThat(shop.admin("POST", "/api/admin/products/BATCHED/batches/" + firstId + "/void", null, null)
                .json().get("voided").asInt()).isZero();
        JsonNode after = shop.admin("GET", "/api/admin/products/BATCHED/batches", null, null).json().get(1);
        assertThat(after.get("void").asInt()).isEqualTo(3);
        assertThat(after.get("available").asInt()).isZero();
        assertThat(jdbc.queryForList("SELECT actor || ' ' || action || ' ' || detail FROM audit_event WHERE action = 'keys.void'",
                String.class)).hasSize(2).allMatch(line -> line.startsWith("admin keys.void batch " + firstId));

        String theirs = shop.admin("GET", "/api/admin/products/ELSEWHERE/batches", null, null).json().get(0).get("id").asText();
        assertProblem(shop.admin("POST", "/api/admin/products/BATCHED/batches/" + theirs + "/void", null, null), 404);
        assertProblem(shop.admin("POST", "/api/admin/products/BATCHED/batches/no-such-batch!/void", null, null), 404);
        assertProblem(shop.admin("GET", "/api/admin/products/NOPE/batches", null, null), 404);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'VOID'", Integer.class)).isEqualTo(3);
        assertThat(shop.send("GET", "/api/admin/products/BATCHED/batches", null, null, java.util.Map.of()).status())
                .isEqualTo(401);
        assertThat(shop.send("POST", "/api/admin/products/BATCHED/batches/" + firstId + "/void", null, null,
                java.util.Map.of()).status()).isEqualTo(401);

        JsonNode docs = shop.admin("GET", "/v3/api-docs/admin", null, null).json().get("paths");
        assertThat(docs.has("/api/admin/products/{sku}/batches")).isTrue();
        assertThat(docs.has("/api/admin/products/{sku}/batches/{id}/void")).isTrue();
    }

    @Test
    void aVoidRacingCheckoutsGivesEveryKeyToOneOfThem() throws Exception {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "RACED", "4.00", 0);
        assertThat(shop.importKeys("RACED", keys("RACE", 30)).json().get("imported").asInt()).isEqualTo(30);
        String batch = shop.admin("GET", "/api/admin/products/RACED/batches", null, null).json().get(0).get("id").asText();

        List<Callable<ShopClient.Response>> tasks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String email = "racer" + i + "@batch.example";
            tasks.add(() -> shop.createOrder("RACED", 1, email, "sandbox"));
            if (i == 10) {
                tasks.add(() -> shop.admin("POST", "/api/admin/products/RACED/batches/" + batch + "/void", null, null));
            }
        }
        List<ShopClient.Response> answers = Concurrently.run(16, tasks);
        ShopClient.Response voidAnswer = answers.get(11);
        assertThat(voidAnswer.status()).as(voidAnswer.body()).isEqualTo(200);
        int voided = voidAnswer.json().get("voided").asInt();
        long ordered = answers.stream().filter(a -> a.status() == 201).count();
        assertThat(answers.stream().filter(a -> a != voidAnswer).map(ShopClient.Response::status)).allMatch(s -> s == 201 || s == 409);

        assertThat(voided + ordered).isEqualTo(30);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'VOID'", Integer.class)).isEqualTo(voided);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'RESERVED'", Integer.class))
                .isEqualTo((int) ordered);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT order_id) FROM card_key WHERE status = 'RESERVED'", Integer.class))
                .isEqualTo((int) ordered);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM customer_order", Integer.class)).isEqualTo((int) ordered);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'VOID' AND order_id IS NOT NULL",
                Integer.class)).isZero();
    }

    private static void assertProblem(ShopClient.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }
}
