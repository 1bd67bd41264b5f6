package io.kamiflow.inventory;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Pattern;

import io.kamiflow.catalog.Product;
import io.kamiflow.ops.AuditLog;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A product's keys by import batch (each import or generation is one batch): the counts per status, voiding a batch's
 * unsold keys, and exporting them. Unsold means AVAILABLE: a RESERVED key is promised to a checkout and a SOLD one to a
 * buyer, so neither is ever touched here. Voiding is one statement with the status in its condition: a checkout that
 * locked a key first keeps it (the update waits for its lock and then sees RESERVED), and a key voided first is no
 * longer AVAILABLE for the checkout's {@code FOR UPDATE SKIP LOCKED}. Every change and every export is audited by
 * counts, never by value.
 */
@Service
public class KeyBatches {

    /** Batches listed per product, newest first. */
    public static final int MAX_LISTED = 100;
    private static final Pattern BATCH_ID = Pattern.compile("[0-9a-fA-F-]{1,36}");

    public record Batch(String id, OffsetDateTime importedAt, long available, long reserved, long sold, long voided) {
        /** The first 8 characters of the batch's UUID: enough to tell a product's batches apart. */
        public String shortId() {
            return id.length() <= 8 ? id : id.substring(0, 8);
        }
    }

    private final JdbcClient jdbc;
    private final KeyCipher cipher;
    private final AuditLog audit;
    private final LowStockMonitor lowStock;

    private final StockLevels levels;

    KeyBatches(JdbcClient jdbc, KeyCipher cipher, AuditLog audit, LowStockMonitor lowStock, StockLevels levels) {
        this.levels = levels;
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.audit = audit;
        this.lowStock = lowStock;
    }

    public static boolean validId(String batchId) {
        return batchId != null && BATCH_ID.matcher(batchId).matches();
    }

    @Transactional(readOnly = true)
    public List<Batch> of(long productId) {
        return jdbc.sql("""
                SELECT batch_id, min(created_at) AS imported_at,
                       count(CASE WHEN status = 'AVAILABLE' THEN 1 END) AS available,
                       count(CASE WHEN status = 'RESERVED' THEN 1 END) AS reserved,
                       count(CASE WHEN status = 'SOLD' THEN 1 END) AS sold,
                       count(CASE WHEN status = 'VOID' THEN 1 END) AS voided
                FROM card_key WHERE product_id = ? GROUP BY batch_id ORDER BY min(created_at) DESC, batch_id LIMIT ?""")
                .params(productId, MAX_LISTED)
                .query((rs, row) -> new Batch(rs.getString("batch_id"), rs.getObject("imported_at", OffsetDateTime.class),
                        rs.getLong("available"), rs.getLong("reserved"), rs.getLong("sold"), rs.getLong("voided")))
                .list();
    }

    /** Whether the product has keys in this batch (any status). */
    @Transactional(readOnly = true)
    public boolean has(long productId, String batchId) {
        return validId(batchId) && jdbc.sql("SELECT 1 FROM card_key WHERE product_id = ? AND batch_id = ? FETCH FIRST 1 ROWS ONLY")
                .params(productId, batchId).query(Integer.class).optional().isPresent();
    }

    /** Voids the batch's AVAILABLE keys of this product; @return how many (0 for an unknown batch). */
    @Transactional
    public int voidUnsold(Product product, String batchId) {
        int voided = validId(batchId) ? jdbc.sql("""
                UPDATE card_key SET status = 'VOID' WHERE product_id = ? AND batch_id = ? AND status = 'AVAILABLE'
                  AND revealed_at IS NULL""")
                .params(product.id(), batchId).update() : 0;
        audit.record("keys.void", product.sku(), "batch " + batchId + ": voided " + voided + " unsold keys");
        if (voided > 0) {
            levels.changed(product.id());
            lowStock.checkAfterTaking(product.id()); // voiding takes stock away as a sale does
        }
        return voided;
    }

    /**
     * The batch's AVAILABLE keys in clear, oldest first, for the owner's download; audited with their count. The rows
     * are read with a share lock, so a checkout cannot reserve one between this read and the commit.
     */
    @Transactional
    public List<String> exportUnsold(Product product, String batchId) {
        List<String> keys = !validId(batchId) ? List.of() : jdbc.sql("""
                SELECT secret_key_id, secret_ciphertext FROM card_key
                WHERE product_id = ? AND batch_id = ? AND status = 'AVAILABLE' ORDER BY id FOR SHARE""")
                .params(product.id(), batchId)
                .query((rs, row) -> cipher.decrypt(product.id(), rs.getString("secret_key_id"),
                        rs.getBytes("secret_ciphertext")))
                .list();
        audit.record("key.export", product.sku(), "batch " + batchId + ": exported " + keys.size() + " unsold keys");
        return keys;
    }

    /** An export refused (wrong password): audited, nothing read. */
    @Transactional
    public void exportRefused(Product product, String batchId) {
        audit.record("key.export.refused", product.sku(), "batch " + batchId + ": wrong password, nothing exported");
    }
}
