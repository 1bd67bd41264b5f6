package io.kamiflow.ordering.coupons;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.kamiflow.catalog.Money;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The coupon rows; a coupon's uses are counted from its redemptions that were not given back, never stored twice. */
@Repository
class CouponRepository {

    /** Columns named, not *: a node keeps reading its shape while a newer release adds columns (docs/upgrades.md). */
    private static final String C_COUPON_COLUMNS = "c.id, c.code, c.percent_off, c.amount_off_minor, c.currency, c.max_uses, c.once_per_email,"
            + " c.valid_from, c.valid_until, c.disabled, c.all_products, c.created_at, c.updated_at";

    private static final String SELECT = """
            SELECT %s, (SELECT count(*) FROM coupon_redemption r WHERE r.coupon_id = c.id AND r.released_at IS NULL) AS uses
            FROM coupon c""".formatted(C_COUPON_COLUMNS);

    private final JdbcClient jdbc;

    CouponRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Coupon> findAll() {
        return jdbc.sql(SELECT + " ORDER BY c.created_at DESC, c.id DESC").query(this::map).list();
    }

    Optional<Coupon> findByCode(String code) {
        return jdbc.sql(SELECT + " WHERE c.code = ?").param(code).query(this::map).optional();
    }

    /**
     * Locks the coupon's row to the end of the transaction, then reads it with its uses: every use taken and every
     * change of its limits takes turns here, so the count read is the count that holds when this one commits.
     */
    Optional<Coupon> lockByCode(String code) {
        Optional<Long> id = jdbc.sql("SELECT id FROM coupon WHERE code = ? FOR UPDATE").param(code).query(Long.class).optional();
        return id.flatMap(locked -> jdbc.sql(SELECT + " WHERE c.id = ?").param(locked).query(this::map).optional());
    }

    long insert(String code, Integer percentOff, Money amountOff, Integer maxUses, boolean oncePerEmail,
                Instant validFrom, Instant validUntil, boolean allProducts) {
        jdbc.sql("""
                INSERT INTO coupon (code, percent_off, amount_off_minor, currency, max_uses, once_per_email, valid_from,
                                    valid_until, all_products) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(code, percentOff, amountOff == null ? null : amountOff.minor(),
                        amountOff == null ? null : amountOff.currency(), maxUses, oncePerEmail, timestamp(validFrom),
                        timestamp(validUntil), allProducts)
                .update();
        return jdbc.sql("SELECT id FROM coupon WHERE code = ?").param(code).query(Long.class).single();
    }

    void update(long id, Integer maxUses, boolean oncePerEmail, Instant validFrom, Instant validUntil, boolean disabled,
                boolean allProducts) {
        jdbc.sql("""
                UPDATE coupon SET max_uses = ?, once_per_email = ?, valid_from = ?, valid_until = ?, disabled = ?,
                                  all_products = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?""")
                .params(maxUses, oncePerEmail, timestamp(validFrom), timestamp(validUntil), disabled, allProducts, id)
                .update();
    }

    void setProducts(long couponId, List<Long> productIds) {
        jdbc.sql("DELETE FROM coupon_product WHERE coupon_id = ?").param(couponId).update();
        for (Long productId : productIds) {
            jdbc.sql("INSERT INTO coupon_product (coupon_id, product_id) VALUES (?, ?)").params(couponId, productId).update();
        }
    }

    boolean isFor(long couponId, long productId) {
        return jdbc.sql("SELECT count(*) FROM coupon_product WHERE coupon_id = ? AND product_id = ?")
                .params(couponId, productId).query(Long.class).single() > 0;
    }

    private List<String> skus(long couponId) {
        return jdbc.sql("SELECT p.sku FROM coupon_product cp JOIN product p ON p.id = cp.product_id WHERE cp.coupon_id = ? ORDER BY p.sku")
                .param(couponId).query(String.class).list();
    }

    private Coupon map(ResultSet rs, int row) throws SQLException {
        long amount = rs.getLong("amount_off_minor");
        Money amountOff = rs.wasNull() ? null : new Money(amount, rs.getString("currency").strip());
        int percent = rs.getInt("percent_off");
        Integer percentOff = rs.wasNull() ? null : percent;
        int max = rs.getInt("max_uses");
        Integer maxUses = rs.wasNull() ? null : max;
        long id = rs.getLong("id");
        boolean all = rs.getBoolean("all_products");
        return new Coupon(id, rs.getString("code"), percentOff, amountOff, maxUses, rs.getBoolean("once_per_email"),
                instant(rs.getTimestamp("valid_from")), instant(rs.getTimestamp("valid_until")), rs.getBoolean("disabled"),
                all, all ? List.of() : skus(id), rs.getLong("uses"), instant(rs.getTimestamp("created_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
