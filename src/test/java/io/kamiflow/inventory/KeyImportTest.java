package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyImportTest extends IntegrationTest {

    private ShopClient shop;

    @BeforeEach
    void product() {
        shop = shop();
        assertThat(shop.createProduct("IMP", "3.00", "CNY", 5).status()).isEqualTo(201);
    }

    @Test
    void importTrimsSkipsBlanksRejectsBadLinesAndDedupes() {
        String tooLong = "X".repeat(KeyImportService.MAX_KEY_LENGTH + 1);
        String body = "AAAA-1111\n\n   \nBBBB-2222\r\n  AAAA-1111  \nCCCC-3333\n" + tooLong + "\nbad\u0007key\n"
                + "X".repeat(KeyImportService.MAX_KEY_LENGTH) + "\n";

        JsonNode first = shop.importKeys("IMP", body).json();
        assertThat(first.get("imported").asInt()).isEqualTo(4);
        assertThat(first.get("duplicateInBatch").asInt()).isEqualTo(1);
        assertThat(first.get("duplicateExisting").asInt()).isZero();
        assertThat(first.get("rejected").asInt()).isEqualTo(2);

        JsonNode second = shop.importKeys("IMP", "CCCC-3333\nDDDD-4444\nBBBB-2222\n").json();
        assertThat(second.get("imported").asInt()).isEqualTo(1);
        assertThat(second.get("duplicateExisting").asInt()).isEqualTo(2);

        JsonNode stock = shop.stock("IMP").json();
        assertThat(stock.get("available").asInt()).isEqualTo(5);
        assertThat(stock.get("reserved").asInt()).isZero();
        assertThat(stock.get("sold").asInt()).isZero();
        assertThat(stock.get("void").asInt()).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'keys.import' AND actor = 'admin'",
                Integer.class)).isEqualTo(2);
    }

    @Test
    void tenThousandKeysInOneRequest() {
        String body = IntStream.range(0, 10_000).mapToObj(i -> "BULK-" + i + "-" + Integer.toHexString(i * 7919))
                .collect(Collectors.joining("\n"));
        long started = System.nanoTime();
        ShopClient.Response response = shop.importKeys("IMP", body);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("imported").asInt()).isEqualTo(10_000);
        assertThat(shop.stock("IMP").json().get("available").asInt()).isEqualTo(10_000);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT fingerprint) FROM card_key", Integer.class)).isEqualTo(10_000);
        System.out.println("imported 10,000 keys in " + millis + " ms");
    }

    @Test
    void generatedKeysAreUniqueAndCounted() {
        JsonNode generated = shop.generateKeys("IMP", 500).json();
        assertThat(generated.get("generated").asInt()).isEqualTo(500);
        assertThat(shop.admin("POST", "/api/admin/products/IMP/keys/generate", "application/json",
                "{\"count\":3,\"prefix\":\"VIP\"}").json().get("generated").asInt()).isEqualTo(3);
        assertThat(shop.stock("IMP").json().get("available").asInt()).isEqualTo(503);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT fingerprint) FROM card_key", Integer.class)).isEqualTo(503);
    }

    @Test
    void badRequestsGetProblemDetails() {
        assertProblem(shop.importKeys("NOPE", "A\n"), 404, "NOPE");
        assertProblem(shop.importKeys("IMP", "  \n \n"), 400, "one key per line");
        assertProblem(shop.generateKeys("IMP", 0), 400, "count");
        assertProblem(shop.generateKeys("IMP", 10_001), 400, "count");
        assertProblem(shop.admin("POST", "/api/admin/products/IMP/keys/generate", "application/json",
                "{\"count\":3,\"prefix\":\"bad prefix!\"}"), 400, "prefix");
        assertProblem(shop.createProduct("IMP", "3.00", "CNY", 0), 409, "already exists");
        assertProblem(shop.createProduct("NEW", "-1", "CNY", 0), 400, "price");
        assertProblem(shop.createProduct("NEW", "1.001", "CNY", 0), 400, "decimals");
        assertProblem(shop.createProduct("NEW", "1.00", "QQQ", 0), 400, "currency");
        assertProblem(shop.createProduct("bad sku!", "1.00", "CNY", 0), 400, "sku");
    }

    private static void assertProblem(ShopClient.Response response, int status, String detailContains) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asText()).contains(detailContains);
    }
}
