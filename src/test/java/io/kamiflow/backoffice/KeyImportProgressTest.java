package io.kamiflow.backoffice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.inventory.KeyFingerprinter;
import io.kamiflow.inventory.KeyImportService;
import io.kamiflow.security.IdentityBootstrap;
import io.kamiflow.storefront.StorefrontForms;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.Shop;
import io.kamiflow.support.ShopClient;
import io.kamiflow.support.SupportDesk;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The back office's import of a file larger than a chunk, over real HTTP: a GBK file whose report is exact across
 * chunk boundaries; the progress a poll sees while the import is held mid-file (a key of the second chunk locked by
 * another transaction), from PostgreSQL; the same import id sent twice imports once; the progress endpoint for
 * logged-in back-office users only, and 404 for another product's import.
 */
class KeyImportProgressTest extends IntegrationTest {

    private static final int LINES = 12_000;

    @Autowired
    IdentityService identity;

    @Autowired
    KeyFingerprinter fingerprinter;

    @Autowired
    DataSource dataSource;

    @BeforeEach
    void users() {
        SupportDesk.ensureUser(identity);
        SupportDesk.ensureUser(identity, BackOfficeAccessTest.STAFF, BackOfficeAccessTest.STAFF_PASSWORD,
                IdentityBootstrap.MERCHANT_GROUP);
    }

    static String key(int line) {
        return "卡密-" + String.format("%06d", line) + "-" + Integer.toString(line * 7919, 36).toUpperCase();
    }

    /** Lines 1..{@link #LINES} in GBK: 5001 too long, 11000 with a bell, 10500 repeats line 1 (two chunks later). */
    static byte[] gbkFile() {
        StringBuilder file = new StringBuilder();
        for (int line = 1; line <= LINES; line++) {
            file.append(switch (line) {
                case 5001 -> "X".repeat(KeyImportService.MAX_KEY_LENGTH + 1);
                case 11000 -> "BAD\u0007KEY";
                case 10500 -> key(1);
                default -> key(line);
            }).append("\r\n");
        }
        return file.toString().getBytes(Charset.forName("GBK"));
    }

    @Test
    void aGbkFileAcrossChunksWithProgressFromTheDatabaseAndAnExactReport() throws Exception {
        Shop.productWithKeys(shop(), "BIGFILE", "2.00", 0);
        long productId = jdbc.queryForObject("SELECT id FROM product WHERE sku = 'BIGFILE'", Long.class);
        StorefrontForms staff = BackOfficeAccessTest.loggedIn(port, BackOfficeAccessTest.STAFF,
                BackOfficeAccessTest.STAFF_PASSWORD, "203.0.113.80");
        ShopClient.Response page = staff.get("/admin/products/BIGFILE", "en");
        assertThat(page.body()).contains("id=\"import-bar\"", "/admin/js/keyimport.js", "name=\"importId\"");
        String token = StorefrontForms.csrfToken(page);
        String importId = UUID.randomUUID().toString();
        byte[] file = gbkFile();

        ShopClient.Response answer;
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement hold = other.prepareStatement("""
                    INSERT INTO card_key (product_id, secret_ciphertext, secret_key_id, fingerprint, status, batch_id)
                    VALUES (?, ?, 'held', ?, 'AVAILABLE', 'held-by-test')""")) {
                hold.setLong(1, productId);
                hold.setBytes(2, new byte[] {1, 2, 3});
                hold.setString(3, fingerprinter.fingerprint(key(7000)));
                hold.executeUpdate();
            }
            CompletableFuture<ShopClient.Response> posted = CompletableFuture.supplyAsync(() -> staff.postMultipart(
                    "/admin/products/BIGFILE/keys?_csrf=" + token, Map.of("_csrf", token, "importId", importId),
                    "file", "keys-gbk.txt", file));
            JsonNode[] seen = new JsonNode[1];
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                ShopClient.Response progress = staff.get("/admin/products/BIGFILE/imports/" + importId, null);
                seen[0] = progress.status() == 200 ? progress.json() : null;
                return seen[0] != null && seen[0].get("processed").asInt() == KeyImportService.CHUNK;
            });
            assertThat(seen[0].get("status").asText()).isEqualTo("RUNNING");
            assertThat(seen[0].get("total").asInt()).isEqualTo(LINES - 3);
            assertThat(seen[0].get("report").asText()).isEqualTo("/admin/products/BIGFILE/import?id=" + importId);
            other.rollback(); // the held key was never stocked: the import goes on
            answer = posted.get();
        }

        assertThat(answer.status()).isEqualTo(302);
        String location = StorefrontForms.header(answer, "Location").replaceFirst("^https?://[^/]+", "");
        assertThat(location).isEqualTo("/admin/products/BIGFILE/import?id=" + importId);
        ShopClient.Response report = staff.get(location, "en");
        assertThat(report.status()).isEqualTo(200);
        assertThat(number(report.body(), "imported")).isEqualTo(LINES - 3);
        assertThat(number(report.body(), "duplicate-in-batch")).isEqualTo(1);
        assertThat(number(report.body(), "duplicate-existing")).isZero();
        assertThat(number(report.body(), "rejected")).isEqualTo(2);
        assertThat(report.body()).contains("5001, 11000", "keys-gbk.txt", "GBK").doesNotContain("卡密", "BAD");
        JsonNode done = staff.get("/admin/products/BIGFILE/imports/" + importId, null).json();
        assertThat(done.get("status").asText()).isEqualTo("DONE");
        assertThat(done.get("processed").asInt()).isEqualTo(LINES - 3);
        assertThat(staff.get("/admin/products/BIGFILE/import?id=" + importId, "zh-CN").body())
                .contains("卡密导入结果").doesNotContain("卡密-0");

        // the same form sent again (a double click): nothing imported twice, the same report
        ShopClient.Response twice = staff.postMultipart("/admin/products/BIGFILE/keys?_csrf=" + token,
                Map.of("_csrf", token, "importId", importId), "file", "keys-gbk.txt", file);
        assertThat(StorefrontForms.header(twice, "Location")).endsWith("/admin/products/BIGFILE/import?id=" + importId);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Integer.class)).isEqualTo(LINES - 3);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT batch_id) FROM card_key", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT actor FROM audit_event WHERE action = 'keys.import'", String.class))
                .containsExactly(BackOfficeAccessTest.STAFF);
    }

    @Test
    void theProgressOfAnImportIsForTheBackOfficeAndItsProductOnly() {
        Shop.productWithKeys(shop(), "MINE", "2.00", 0);
        Shop.productWithKeys(shop(), "OTHER", "2.00", 0);
        StorefrontForms owner = BackOfficeAccessTest.loggedIn(port, ShopClient.ADMIN_USER, ShopClient.ADMIN_PASSWORD,
                "203.0.113.81");
        String token = StorefrontForms.csrfToken(owner.get("/admin/products/MINE", "en"));
        String importId = UUID.randomUUID().toString();
        assertThat(owner.postMultipart("/admin/products/MINE/keys?_csrf=" + token,
                Map.of("_csrf", token, "importId", importId, "keys", "MINE-KEY-1\nMINE-KEY-2\n"), "file", null, null)
                .status()).isEqualTo(302);
        String path = "/admin/products/MINE/imports/" + importId;
        ShopClient.Response mine = owner.get(path, null);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.contentType()).startsWith("application/json");
        assertThat(mine.json().get("processed").asInt()).isEqualTo(2);
        assertThat(mine.headers().get("cache-control")).anyMatch(value -> value.contains("no-store"));

        assertThat(owner.get("/admin/products/OTHER/imports/" + importId, null).status()).isEqualTo(404);
        assertThat(owner.get("/admin/products/OTHER/import?id=" + importId, "en").status()).isEqualTo(404);
        assertThat(owner.get("/admin/products/MINE/imports/" + UUID.randomUUID(), null).status()).isEqualTo(404);
        assertThat(owner.get("/admin/products/MINE/imports/not-an-id", null).status()).isEqualTo(404);

        ShopClient.Response anonymous = new StorefrontForms(port, "203.0.113.82").get(path, null);
        assertThat(anonymous.status()).isEqualTo(302);
        assertThat(StorefrontForms.header(anonymous, "Location")).endsWith("/admin/login");
        StorefrontForms support = BackOfficeAccessTest.loggedIn(port, SupportDesk.USER, SupportDesk.PASSWORD, "203.0.113.83");
        assertThat(support.get(path, null).status()).isEqualTo(403);
        assertThat(support.get(path, null).body()).doesNotContain("processed");
    }

    private static long number(String body, String id) {
        Matcher matcher = Pattern.compile("id=\"" + id + "\"[^>]*>(\\d+)<").matcher(body);
        assertThat(matcher.find()).as(id + " in " + body).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
