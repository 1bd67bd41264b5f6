package io.kamiflow.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.kamiflow.db.InsertIfAbsent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The table stored_image: one image per slot (a product's, the shop's logo), its bytes read only when served. Kept
 * apart from the product's row so that listing products never drags image bytes along.
 */
@Repository
public class StoredImages {

    public static final String LOGO = "shop:logo";

    /** What is known of a stored image without its bytes; the first 16 hex digits of its hash version its URL. */
    public record Meta(String slot, String contentType, String sha256, int size, int width, int height,
                       OffsetDateTime updatedAt) {
        public String version() {
            return sha256.substring(0, 16);
        }
    }

    public record Content(Meta meta, byte[] bytes) {
    }

    private static final String META = "slot, content_type, sha256, size_bytes, width, height, updated_at";

    private final JdbcClient jdbc;
    private final InsertIfAbsent inserts;
    private final CatalogueVersion version;

    StoredImages(JdbcClient jdbc, InsertIfAbsent inserts, CatalogueVersion version) {
        this.jdbc = jdbc;
        this.inserts = inserts;
        this.version = version;
    }

    public static String productSlot(long productId) {
        return "product:" + productId;
    }

    public Optional<Meta> meta(String slot) {
        return jdbc.sql("SELECT " + META + " FROM stored_image WHERE slot = ?").param(slot).query(StoredImages::meta).optional();
    }

    public Optional<Content> content(String slot) {
        return jdbc.sql("SELECT " + META + ", content FROM stored_image WHERE slot = ?").param(slot)
                .query((rs, n) -> new Content(meta(rs, n), rs.getBytes("content"))).optional();
    }

    /** Every product's image by the product's sku, without the bytes. */
    Map<String, Meta> bySku() {
        Map<String, Meta> images = new LinkedHashMap<>();
        jdbc.sql("SELECT p.sku, i.slot, i.content_type, i.sha256, i.size_bytes, i.width, i.height, i.updated_at"
                        + " FROM stored_image i JOIN product p ON p.id = i.product_id")
                .query(rs -> {
                    images.put(rs.getString("sku"), meta(rs, 0));
                });
        return images;
    }

    /** The image's description when the product is active and has one. */
    Optional<Meta> activeProductMeta(String sku) {
        return jdbc.sql("SELECT i.slot, i.content_type, i.sha256, i.size_bytes, i.width, i.height, i.updated_at"
                        + " FROM stored_image i JOIN product p ON p.id = i.product_id WHERE p.sku = ? AND p.active")
                .param(sku).query(StoredImages::meta).optional();
    }

    /** Replaces the slot's image or adds it; two uploads at once leave one of them whole. */
    void put(String slot, Long productId, byte[] bytes, ImageCheck.Checked image, String sha256) {
        version.changed();
        for (int attempt = 0; attempt < 2; attempt++) {
            int updated = jdbc.sql("""
                    UPDATE stored_image SET content = ?, content_type = ?, sha256 = ?, size_bytes = ?, width = ?, height = ?,
                                            updated_at = CURRENT_TIMESTAMP
                    WHERE slot = ?""").params(bytes, image.contentType(), sha256, bytes.length, image.width(), image.height(), slot)
                    .update();
            if (updated == 1 || inserts.insert("""
                    INSERT INTO stored_image (slot, product_id, content, content_type, sha256, size_bytes, width, height)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", null, slot, productId, bytes, image.contentType(), sha256,
                    bytes.length, image.width(), image.height()) == 1) {
                return;
            }
        } // inserted by another upload between our update and insert (its slot or its product_id, whichever PostgreSQL
          // checks first: hence no conflict target): the second update replaces it
        throw new IllegalStateException("could not store the image of " + slot);
    }

    boolean delete(String slot) {
        version.changed();
        return jdbc.sql("DELETE FROM stored_image WHERE slot = ?").param(slot).update() == 1;
    }

    private static Meta meta(ResultSet rs, int row) throws SQLException {
        return new Meta(rs.getString("slot"), rs.getString("content_type"), rs.getString("sha256"), rs.getInt("size_bytes"),
                rs.getInt("width"), rs.getInt("height"), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
