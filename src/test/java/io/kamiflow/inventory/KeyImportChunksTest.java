package io.kamiflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.kamiflow.support.IntegrationTest;
import io.kamiflow.support.ShopClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An import larger than one chunk ({@value KeyImportService#CHUNK} keys) over the admin API: the report stays exact
 * across chunk boundaries (a repeat of a first-chunk key in the third, a key already in stock in the middle, rejected
 * lines counted by number), the keys form one batch, one audit entry; and a database failure mid-file keeps the chunks
 * committed before it, after which the same file again imports only the rest.
 */
class KeyImportChunksTest extends IntegrationTest {

    private static final int LINES = 12_000;

    @Autowired
    KeyFingerprinter fingerprinter;

    private ShopClient shop;

    @BeforeEach
    void product() {
        shop = shop();
        assertThat(shop.createProduct("CHUNKS", "3.00", "CNY", 5).status()).isEqualTo(201);
    }

    static String key(int line) {
        return "CHUNK-KEY-" + String.format("%06d", line) + "-" + Integer.toString(line * 7919, 36).toUpperCase();
    }

    /** Lines 1..{@link #LINES}: line 5001 too long, line 11000 with a bell, line 10500 repeats line 1, line 6000 blank. */
    static String file() {
        List<String> lines = new ArrayList<>();
        for (int line = 1; line <= LINES; line++) {
            lines.add(switch (line) {
                case 5001 -> "X".repeat(KeyImportService.MAX_KEY_LENGTH + 1);
                case 11000 -> "BAD\u0007KEY-11000";
                case 10500 -> "  " + key(1) + " ";
                case 6000 -> "";
                default -> key(line);
            });
        }
        return String.join("\r\n", lines) + "\r\n";
    }

    @Test
    void theReportIsExactAcrossChunkBoundaries() {
        assertThat(shop.importKeys("CHUNKS", key(7000) + "\n" + key(9999) + "\n").json().get("imported").asInt())
                .isEqualTo(2);
        jdbc.update("UPDATE product SET low_stock_alerted = TRUE WHERE sku = 'CHUNKS'");

        JsonNode report = shop.importKeys("CHUNKS", file()).json();

        int expected = LINES - 2 /* rejected */ - 1 /* repeated */ - 1 /* blank */ - 2 /* in stock */;
        assertThat(report.get("imported").asInt()).isEqualTo(expected);
        assertThat(report.get("duplicateInBatch").asInt()).isEqualTo(1);
        assertThat(report.get("duplicateExisting").asInt()).isEqualTo(2);
        assertThat(report.get("rejected").asInt()).isEqualTo(2);
        assertThat(report.get("rejectedLines")).extracting(JsonNode::asInt).containsExactly(5001, 11000);
        assertThat(report.toString()).doesNotContain("CHUNK-KEY", "BAD");

        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Integer.class)).isEqualTo(expected + 2);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT fingerprint) FROM card_key", Integer.class)).isEqualTo(expected + 2);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT batch_id) FROM card_key", Integer.class)).isEqualTo(2);
        assertThat(jdbc.queryForMap("SELECT status, total, processed, imported, duplicate_existing FROM key_import "
                + "WHERE total > 2")).containsEntry("status", "DONE").containsEntry("total", LINES - 4)
                .containsEntry("processed", LINES - 4).containsEntry("imported", expected).containsEntry("duplicate_existing", 2);
        // one audit entry per import, not per chunk; the stock added re-armed the low-stock alert
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'keys.import'", Integer.class))
                .isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT low_stock_alerted FROM product WHERE sku = 'CHUNKS'", Boolean.class)).isFalse();
        assertThat(jdbc.queryForList("SELECT detail FROM audit_event", String.class))
                .noneMatch(detail -> detail.contains("CHUNK-KEY"));
    }

    @Test
    void aFailureMidFileKeepsTheCommittedChunksAndTheSameFileAgainImportsOnlyTheRest() {
        String failing = fingerprinter.fingerprint(key(7000)); // in the second chunk
        jdbc.execute("""
                CREATE FUNCTION kf_test_fail_import() RETURNS trigger AS $$
                BEGIN
                  IF NEW.fingerprint = '%s' THEN RAISE EXCEPTION 'disk full (test)'; END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql""".formatted(failing));
        jdbc.execute("CREATE TRIGGER kf_test_fail_import BEFORE INSERT ON card_key FOR EACH ROW EXECUTE FUNCTION kf_test_fail_import()");
        ShopClient.Response failed;
        try {
            failed = shop.importKeys("CHUNKS", file());
        } finally {
            jdbc.execute("DROP TRIGGER kf_test_fail_import ON card_key");
            jdbc.execute("DROP FUNCTION kf_test_fail_import()");
        }
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.body()).doesNotContain("CHUNK-KEY");
        int firstChunk = KeyImportService.CHUNK;
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Integer.class)).isEqualTo(firstChunk);
        assertThat(jdbc.queryForMap("SELECT status, processed, imported FROM key_import"))
                .containsEntry("status", "FAILED").containsEntry("processed", firstChunk).containsEntry("imported", firstChunk);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'keys.import.failed'", Integer.class))
                .isEqualTo(1);

        JsonNode again = shop.importKeys("CHUNKS", file()).json();
        int unique = LINES - 4;
        assertThat(again.get("imported").asInt()).isEqualTo(unique - firstChunk);
        assertThat(again.get("duplicateExisting").asInt()).isEqualTo(firstChunk);
        assertThat(again.get("duplicateInBatch").asInt()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM card_key", Integer.class)).isEqualTo(unique);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT fingerprint) FROM card_key", Integer.class)).isEqualTo(unique);
        assertThat(shop.stock("CHUNKS").json().get("available").asInt()).isEqualTo(unique);
    }
}
