package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long 100,000 keys (25-40 characters each) take to import end to end, over real HTTP into real PostgreSQL:
 * through {@code POST /api/admin/products/{sku}/keys} and through the back office's file upload, then the same file
 * again (every key already in stock). Prints the times; asserts only that the counts are exact. Run with
 * {@code ./mvnw verify -Pbenchmark -Dtest=KeyImportBenchmark} (see docs/performance.md).
 */
@Tag("benchmark")
class KeyImportBenchmark extends IntegrationTest {

    static final int KEYS = 100_000;

    /** {@code KEYS} distinct keys of 25 to 40 characters, as vendors' files have them. */
    static String keys(String prefix) {
        return IntStream.range(0, KEYS).mapToObj(i -> prefix + "-" + String.format("%06d", i) + "-"
                + Long.toString(Math.abs((long) i * 0x9E3779B97F4A7C15L) % 1_000_000_000_000L, 36).toUpperCase())
                .collect(Collectors.joining("\n"));
    }

    @Test
    void hundredThousandKeys() {
        ShopClient shop = shop();
        Shop.productWithKeys(shop, "BENCH-API", "1.00", 0);
        Shop.productWithKeys(shop, "BENCH-FILE", "1.00", 0);
        Shop.productWithKeys(shop, "BENCH-WARM", "1.00", 0);
        assertThat(shop.importKeys("BENCH-WARM", keys("WARMUP-KEY-BENCH").substring(0, 400_000)).status())
                .isEqualTo(200); // a shop that has run a while: the JIT has compiled the import
        String apiKeys = keys("APIKEY-BENCH");
        String fileKeys = keys("FILEKEY-BENCH");

        long started = System.nanoTime();
        ShopClient.Response api = shop.importKeys("BENCH-API", apiKeys);
        long apiMillis = millis(started);
        assertThat(api.status()).as(api.body()).isEqualTo(200);
        assertThat(api.json().get("imported").asInt()).isEqualTo(KEYS);

        started = System.nanoTime();
        ShopClient.Response again = shop.importKeys("BENCH-API", apiKeys);
        long againMillis = millis(started);
        assertThat(again.json().get("duplicateExisting").asInt()).isEqualTo(KEYS);

        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD,
                "203.0.113.90");
        String token = StorefrontForms.csrfToken(owner.get("/admin/products/BENCH-FILE", "en"));
        started = System.nanoTime();
        ShopClient.Response posted = owner.postMultipart("/admin/products/BENCH-FILE/keys?_csrf=" + token,
                Map.of("_csrf", token), "file", "keys.txt", fileKeys.getBytes(StandardCharsets.UTF_8));
        ShopClient.Response report = owner.get(StorefrontForms.header(posted, "Location")
                .replaceFirst("^https?://[^/]+", ""), "en");
        long fileMillis = millis(started);
        assertThat(report.body()).contains(">" + KEYS + "<");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key WHERE status = 'AVAILABLE' AND product_id <> "
                + "(SELECT id FROM product WHERE sku = 'BENCH-WARM')", Long.class)).isEqualTo(2L * KEYS);

        System.out.println();
        System.out.println("kamiflow key import (" + KEYS + " keys of 25-40 characters, real HTTP and PostgreSQL)");
        System.out.println("| path | seconds |");
        System.out.println("|---|---|");
        System.out.printf("| POST /api/admin/products/{sku}/keys, new keys | %.1f |%n", apiMillis / 1000.0);
        System.out.printf("| the same body again (all already in stock) | %.1f |%n", againMillis / 1000.0);
        System.out.printf("| back office file upload and report page | %.1f |%n", fileMillis / 1000.0);
        System.out.println();
    }

    private static long millis(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
